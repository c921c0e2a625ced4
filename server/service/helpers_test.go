package service_test

import (
	"errors"

	"github.com/szdc/talenthub/models"
)

func asError(err error, target **models.Error) bool { return errors.As(err, target) }
