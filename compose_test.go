package main

import (
	"context"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// composeEnv is the environment the compose file is loaded with: the
// variables a person sets, and nothing from this process.
var composeEnv = []string{"ADMIN_EMAIL=a@example.com", "ADMIN_PASSWORD=x", "MONGO_USERNAME=root-user", "MONGO_PASSWORD=s3cret-Pass_1"}

// loadCompose loads docker-compose.yml (and any override files) with the
// compose specification's own loader, which also checks the project's
// consistency (a container_name with several replicas, say).
func loadCompose(t *testing.T, env []string, overrides ...string) (*types.Project, error) {
	t.Helper()
	opts, err := cli.NewProjectOptions(append([]string{"docker-compose.yml"}, overrides...),
		cli.WithWorkingDirectory("."), cli.WithEnv(env), cli.WithInterpolation(true))
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

// No Docker engine runs here, so the compose file is checked by loading it
// with the compose specification's own loader.
func TestDockerCompose(t *testing.T) {
	p, err := loadCompose(t, composeEnv)
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}

	// MongoDB: a replica set with authentication, whose key file is made
	// before mongod starts.
	mongo, err := p.GetService("mongo")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mongo.Image, "mongo:7") {
		t.Errorf("mongo image %q, want mongo:7", mongo.Image)
	}
	if i := slices.Index(mongo.Command, "--replSet"); i < 0 || i+1 >= len(mongo.Command) || mongo.Command[i+1] != "rs0" {
		t.Errorf("mongo is not started as the replica set rs0: %v", mongo.Command)
	}
	if v := mongo.Environment["MONGO_INITDB_ROOT_USERNAME"]; v == nil || *v != "root-user" {
		t.Errorf("the root user is not MONGO_USERNAME: %v", v)
	}
	if v := mongo.Environment["MONGO_INITDB_ROOT_PASSWORD"]; v == nil || *v != "s3cret-Pass_1" {
		t.Errorf("the root password is not MONGO_PASSWORD: %v", v)
	}
	keyFile := ""
	if i := slices.Index(mongo.Command, "--keyFile"); i >= 0 && i+1 < len(mongo.Command) {
		keyFile = mongo.Command[i+1]
	}
	entry := strings.Join(mongo.Entrypoint, " ")
	switch {
	case keyFile == "":
		t.Errorf("mongod has no --keyFile, which a replica set with authentication needs: %v", mongo.Command)
	case !strings.Contains(entry, "> "+keyFile) || !strings.Contains(entry, "chmod 400 "+keyFile) ||
		!strings.Contains(entry, "chown mongodb:mongodb "+keyFile) || !strings.Contains(entry, `exec docker-entrypoint.sh "$@"`):
		t.Errorf("the entrypoint does not make %s (mongod's only, mode 400) and then run the image's entrypoint: %q", keyFile, entry)
	}
	if mongo.HealthCheck == nil || len(mongo.HealthCheck.Test) < 2 {
		t.Fatalf("mongo has no health check: %+v", mongo.HealthCheck)
	}
	check := strings.Join(mongo.HealthCheck.Test[1:], " ")
	for _, want := range []string{"rs.initiate", "host: 'mongo:27017'", "isWritablePrimary ? 0 : 1",
		`--username "$MONGO_INITDB_ROOT_USERNAME"`, `--password "$MONGO_INITDB_ROOT_PASSWORD"`, "--authenticationDatabase admin"} {
		if !strings.Contains(check, want) {
			t.Errorf("mongo's health check lacks %q (it initiates the replica set, signs in, and passes only on a writable primary): %s", want, check)
		}
	}
	if len(mongo.Volumes) == 0 || mongo.Volumes[0].Target != "/data/db" {
		t.Errorf("mongo data is not on a volume: %+v", mongo.Volumes)
	}
	if len(mongo.Ports) > 0 {
		t.Errorf("mongo is published on the host: %+v", mongo.Ports)
	}
	// Without a password, nothing starts.
	var noPassword []string
	for _, kv := range composeEnv {
		if !strings.HasPrefix(kv, "MONGO_PASSWORD=") {
			noPassword = append(noPassword, kv)
		}
	}
	if _, err := loadCompose(t, noPassword); err == nil || !strings.Contains(err.Error(), "MONGO_PASSWORD") {
		t.Errorf("docker-compose.yml loads without MONGO_PASSWORD: %v", err)
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
	if err != nil {
		t.Fatalf("MONGODB_URI %q: %v", *uri, err)
	}
	q := u.Query()
	if u.Host != "mongo:27017" || q.Get("replicaSet") != "rs0" {
		t.Errorf("MONGODB_URI %q does not name the mongo service's replica set", *uri)
	}
	if pw, _ := u.User.Password(); u.User.Username() != "root-user" || pw != "s3cret-Pass_1" || q.Get("authSource") != "admin" {
		t.Errorf("MONGODB_URI %q does not sign in as MONGO_USERNAME/MONGO_PASSWORD against admin", *uri)
	}
	if q.Get("w") != "majority" {
		t.Errorf("MONGODB_URI %q does not ask for majority writes (w=majority)", *uri)
	}
	if v := app.Environment["ADMIN_EMAIL"]; v == nil || *v != "a@example.com" {
		t.Errorf("ADMIN_EMAIL is not passed through from the environment: %v", v)
	}

	// The app listens where it is exposed; the proxy owns the host port and
	// sends to that port of the app service's replicas.
	// Behind the proxy the app must believe its X-Forwarded-For, or the
	// limits per address would count every client as one.
	if v := app.Environment["TRUSTED_PROXIES"]; v == nil || !strings.Contains(*v, "172.16.0.0/12") {
		t.Errorf("the app does not trust the proxy's network: TRUSTED_PROXIES %v", v)
	}
	addr := app.Environment["ADDR"]
	if addr == nil {
		t.Fatal("ADDR is not set")
	}
	_, portText, _ := strings.Cut(*addr, ":")
	if _, err := strconv.ParseUint(portText, 10, 16); err != nil {
		t.Fatalf("ADDR %q has no port", *addr)
	}
	if !slices.Contains(app.Expose, portText) {
		t.Errorf("app does not expose its port %s: %v", portText, app.Expose)
	}
	proxy, err := p.GetService("proxy")
	if err != nil {
		t.Fatal(err)
	}
	listen := caddyListenPort(t, p, proxy, "app", portText)
	found := false
	for _, pc := range proxy.Ports {
		if strconv.Itoa(int(pc.Target)) == listen && pc.Published == "8080" {
			found = true
		}
	}
	if !found {
		t.Errorf("the proxy's port %s is not published as 8080: %+v", listen, proxy.Ports)
	}
	if _, ok := proxy.DependsOn["app"]; !ok {
		t.Errorf("the proxy does not depend on app: %+v", proxy.DependsOn)
	}

	replicasCanCoexist(t, p, "app")
}

// caddyListenPort checks that the proxy runs Caddy with a Caddyfile from
// the compose file's configs that balances over the DNS addresses of
// service:port (every replica), and returns the port Caddy listens on.
func caddyListenPort(t *testing.T, p *types.Project, proxy types.ServiceConfig, service, port string) string {
	t.Helper()
	if !strings.HasPrefix(proxy.Image, "caddy:2") {
		t.Errorf("proxy image %q, want caddy:2", proxy.Image)
	}
	content := ""
	for _, c := range proxy.Configs {
		if c.Target == "/etc/caddy/Caddyfile" {
			content = p.Configs[c.Source].Content
		}
	}
	if content == "" {
		t.Fatalf("the proxy has no Caddyfile at /etc/caddy/Caddyfile from the configs: %+v", proxy.Configs)
	}
	if !regexp.MustCompile(`(?m)^\s*dynamic a ` + regexp.QuoteMeta(service) + ` ` + regexp.QuoteMeta(port) + `\b`).MatchString(content) {
		t.Errorf("the Caddyfile does not balance over every %s replica's port %s (dynamic a %s %s):\n%s", service, port, service, port, content)
	}
	if !strings.Contains(content, "lb_retries") {
		t.Errorf("the Caddyfile does not retry another replica when one refuses:\n%s", content)
	}
	m := regexp.MustCompile(`(?m)^:(\d+) \{`).FindStringSubmatch(content)
	if m == nil {
		t.Fatalf("the Caddyfile has no site on a port (:80 {):\n%s", content)
	}
	return m[1]
}

// TestDockerComposeScales loads the compose file as `docker compose up
// --scale app=3` would run it (an override setting the scale, which the
// loader's own checks see) and checks that three replicas of the app
// cannot collide.
func TestDockerComposeScales(t *testing.T) {
	override := filepath.Join(t.TempDir(), "scale.yml")
	if err := os.WriteFile(override, []byte("services:\n  app:\n    scale: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := loadCompose(t, composeEnv, override)
	if err != nil {
		t.Fatalf("docker-compose.yml with app scaled to 3 does not load: %v", err)
	}
	app, err := p.GetService("app")
	if err != nil {
		t.Fatal(err)
	}
	if n := app.GetScale(); n != 3 {
		t.Fatalf("app's scale is %d, want 3", n)
	}
	replicasCanCoexist(t, p, "app")
	if err := p.CheckContainerNameUnicity(); err != nil {
		t.Error(err)
	}
	proxy, err := p.GetService("proxy")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := proxy.DependsOn["app"]; !ok {
		t.Errorf("the proxy, which owns the host port, does not depend on app: %+v", proxy.DependsOn)
	}
	// No two services take one host port.
	taken := map[string]string{}
	for _, s := range p.Services {
		for _, pc := range s.Ports {
			if pc.Published == "" {
				continue
			}
			if other, ok := taken[pc.Published]; ok {
				t.Errorf("host port %s is published by %s and %s", pc.Published, other, s.Name)
			}
			taken[pc.Published] = s.Name
		}
	}
}

// replicasCanCoexist checks what several containers of one service would
// share: a host port, a container name, or a volume holding the search
// index (DATA_DIR/index), whose lock only one process can hold.
func replicasCanCoexist(t *testing.T, p *types.Project, name string) {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, pc := range s.Ports {
		if pc.Published != "" {
			t.Errorf("%s publishes host port %s: a second replica cannot bind it", name, pc.Published)
		}
	}
	if s.ContainerName != "" {
		t.Errorf("%s has container_name %q: a second replica cannot take it", name, s.ContainerName)
	}
	dataDir := "./data"
	if v := s.Environment["DATA_DIR"]; v != nil {
		dataDir = *v
	}
	index := path.Join(dataDir, "index")
	for _, v := range s.Volumes {
		// An anonymous volume or a tmpfs is each container's own; a named
		// volume or a bind mount is one for all replicas.
		shared := v.Type == types.VolumeTypeBind || (v.Type == types.VolumeTypeVolume && v.Source != "")
		if shared && (v.Target == index || strings.HasPrefix(index, strings.TrimSuffix(v.Target, "/")+"/") || strings.HasPrefix(v.Target, index+"/")) {
			t.Errorf("%s mounts %s %q at %s, which holds the search index %s: replicas would share one index directory", name, v.Type, v.Source, v.Target, index)
		}
	}
}
