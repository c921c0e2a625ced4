package store_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/description"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/x/mongo/driver/topology"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store"
)

// TestPingRefused tells a database that refuses connections from one that
// is silent, with real connections, then with built errors for the cases
// only a replica set or a dropped connection gives.
func TestPingRefused(t *testing.T) {
	ctx := context.Background()
	ping := func(addr string) error {
		c, err := mongo.Connect(ctx, options.Client().ApplyURI("mongodb://"+addr+"/?directConnection=true"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Disconnect(ctx)
		pctx, cancel := context.WithTimeout(ctx, 750*time.Millisecond)
		defer cancel()
		err = c.Database("x").RunCommand(pctx, bson.D{{Key: "ping", Value: 1}}).Err()
		if err == nil {
			t.Fatalf("ping of %s answered", addr)
		}
		return &models.Error{Code: models.CodeUnavailable, Err: err} // as Store.Ping wraps it
	}
	// Nothing listening: refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	if err := ping(dead); !store.PingRefused(err) {
		t.Errorf("a closed port is not refused: %v", err)
	}
	// Accepted and never answered: slow, not refused.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	}()
	if err := ping(silent.Addr().String()); store.PingRefused(err) {
		t.Errorf("a silent server is called refused: %v", err)
	}

	refused := errors.New("dial tcp: connect: connection refused")
	selection := func(servers ...error) error {
		d := description.Topology{Kind: description.ReplicaSetNoPrimary}
		for _, e := range servers {
			d.Servers = append(d.Servers, description.Server{LastError: e})
		}
		return topology.ServerSelectionError{Wrapped: context.DeadlineExceeded, Desc: d}
	}
	netTimeout := mongo.CommandError{Labels: []string{"NetworkError"}, Wrapped: context.DeadlineExceeded}
	for _, c := range []struct {
		name    string
		err     error
		refused bool
	}{
		{"every member refuses", selection(refused, refused, refused), true},
		{"an election: the old primary refuses, the others answer", selection(refused, nil, nil), false},
		{"an election: every member answers, none is primary", selection(nil, nil, nil), false},
		{"heartbeats that time out", selection(netTimeout, netTimeout), false},
		{"no member known", selection(), false},
		{"a dropped connection", mongo.CommandError{Labels: []string{"NetworkError"}, Message: "connection reset"}, true},
		{"a read that timed out", netTimeout, false},
		{"a deadline", context.DeadlineExceeded, false},
		{"another error", errors.New("auth failed"), false},
	} {
		if got := store.PingRefused(&models.Error{Code: models.CodeUnavailable, Err: c.err}); got != c.refused {
			t.Errorf("%s: PingRefused = %v", c.name, got)
		}
	}
}
