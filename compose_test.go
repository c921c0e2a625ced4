package main

import (
	"context"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
)

// No Docker engine runs here, so the compose file is checked by loading it
// with the compose specification's own loader.
func TestDockerCompose(t *testing.T) {
	ctx := context.Background()
	opts, err := cli.NewProjectOptions([]string{"docker-compose.yml"},
		cli.WithWorkingDirectory("."), cli.WithEnv([]string{"ADMIN_EMAIL=a@example.com", "ADMIN_PASSWORD=x"}), cli.WithInterpolation(true))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(ctx)
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}

	mongo, err := p.GetService("mongo")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mongo.Image, "mongo:7") {
		t.Errorf("mongo image %q, want mongo:7", mongo.Image)
	}
	if !slices.Contains(mongo.Command, "--replSet") {
		t.Errorf("mongo is not started as a replica set: %v", mongo.Command)
	}
	if mongo.HealthCheck == nil || len(mongo.HealthCheck.Test) == 0 || !strings.Contains(strings.Join(mongo.HealthCheck.Test, " "), "rs.initiate") {
		t.Errorf("mongo health check does not initiate the replica set: %+v", mongo.HealthCheck)
	}
	if len(mongo.Volumes) == 0 || mongo.Volumes[0].Target != "/data/db" {
		t.Errorf("mongo data is not on a volume: %+v", mongo.Volumes)
	}

	app, err := p.GetService("app")
	if err != nil {
		t.Fatal(err)
	}
	if app.Build == nil || app.Build.Context == "" {
		t.Errorf("app is not built from the Dockerfile: %+v", app.Build)
	}
	if dep, ok := app.DependsOn["mongo"]; !ok || dep.Condition != "service_healthy" {
		t.Errorf("app does not wait for a healthy mongo: %+v", app.DependsOn)
	}

	// Every variable the compose file sets is one the app reads, and the
	// database variables are set.
	known := map[string]bool{}
	for f := range reflect.TypeFor[config]().Fields() {
		key, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		known[key] = true
	}
	for k := range app.Environment {
		if !known[k] {
			t.Errorf("compose sets %s, which talenthub does not read", k)
		}
	}
	uri := app.Environment["MONGODB_URI"]
	if uri == nil {
		t.Fatal("MONGODB_URI is not set for the app")
	}
	u, err := url.Parse(*uri)
	if err != nil || u.Host != "mongo:27017" || u.Query().Get("replicaSet") != "rs0" {
		t.Errorf("MONGODB_URI %q does not name the mongo service's replica set", *uri)
	}
	if v := app.Environment["ADMIN_EMAIL"]; v == nil || *v != "a@example.com" {
		t.Errorf("ADMIN_EMAIL is not passed through from the environment: %v", v)
	}

	// The published port is the one the app listens on.
	addr := app.Environment["ADDR"]
	if addr == nil {
		t.Fatal("ADDR is not set")
	}
	_, portText, _ := strings.Cut(*addr, ":")
	port, err := strconv.ParseUint(portText, 10, 32)
	if err != nil {
		t.Fatalf("ADDR %q has no port", *addr)
	}
	found := false
	for _, pc := range app.Ports {
		if pc.Target == uint32(port) && pc.Published == "8080" {
			found = true
		}
	}
	if !found {
		t.Errorf("port %d is not published as 8080: %+v", port, app.Ports)
	}
}
