package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/embeddb"
	"github.com/szdc/talenthub/server/figures"
)

// recount recomputes every figure from the raw records and reports any
// difference from the live figures. With --server it asks a running
// talenthub (signing in as ADMIN_EMAIL); without, it opens the database
// itself (the embedded one only while no server runs on it), builds the
// figures the way a server does, and compares.
func recount(ctx context.Context, cfg config, logger *slog.Logger, stdout io.Writer, args []string) error {
	fs := flag.NewFlagSet("recount", flag.ContinueOnError)
	fs.SetOutput(stdout)
	serverURL := fs.String("server", "", "ask the talenthub at this URL (e.g. http://localhost:8080) instead of opening the database")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	var res *models.RecountResult
	var err error
	if *serverURL != "" {
		res, err = recountRemote(ctx, cfg, strings.TrimRight(*serverURL, "/"))
	} else {
		res, err = recountLocal(ctx, cfg, logger)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recount: %d records, %d bases, %d organisations; %d figures checked in %d ms\n",
		res.Records, res.Bases, res.Orgs, res.Checked, res.TookMS)
	if len(res.Differences) == 0 {
		fmt.Fprintln(stdout, "no differences: the live figures equal a recount from the raw records")
		return nil
	}
	for _, d := range res.Differences {
		fmt.Fprintln(stdout, "difference:", d)
	}
	return fmt.Errorf("%d differences between the live figures and the recount", len(res.Differences))
}

func recountLocal(ctx context.Context, cfg config, logger *slog.Logger) (*models.RecountResult, error) {
	db, err := openDatabase(ctx, cfg, logger)
	if err != nil {
		if errors.Is(err, embeddb.ErrInUse) {
			return nil, fmt.Errorf("%w\n(a server is running on this DATA_DIR: use `talenthub recount --server http://localhost:8080`)", err)
		}
		return nil, err
	}
	defer db.Close()
	f := figures.New(db.store, nil, logger)
	if err := f.Load(ctx); err != nil {
		return nil, err
	}
	return f.Recount(ctx)
}

func recountRemote(ctx context.Context, cfg config, base string) (*models.RecountResult, error) {
	if cfg.AdminEmail == "" {
		return nil, errors.New("set ADMIN_EMAIL and ADMIN_PASSWORD to sign in to the server")
	}
	client := &http.Client{Timeout: 5 * time.Minute}
	call := func(path, token string, body any, out any) error {
		b, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, "POST", base+path, bytes.NewReader(b))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s: %s", path, res.Status, raw)
		}
		return json.Unmarshal(raw, out)
	}
	var auth models.Auth
	if err := call("/api/v1/auth/login", "", models.LoginInput{Email: cfg.AdminEmail, Password: cfg.AdminPassword}, &auth); err != nil {
		return nil, err
	}
	var res models.RecountResult
	if err := call("/api/v1/admin/recount", auth.Token, map[string]any{}, &res); err != nil {
		return nil, err
	}
	return &res, nil
}
