package main

// The oracle's server: talenthub started as run() in this process, or as
// the built binary in its own process (which the oracle may kill -9), on a
// DATA_DIR that outlives each start; and the driver's connection to the
// embedded database the server announces, to read the raw records.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// dbURIRE finds the embedded database's address in the start-up line.
var dbURIRE = regexp.MustCompile(`at (mongodb://[^,\s]+)`)

// oServer is one start of talenthub for the oracle.
type oServer struct {
	base, dbURI string
	inProcess   bool

	// run() in this process
	cancel context.CancelFunc
	done   chan error
	out    *logBuffer

	// the binary
	proc *process

	client *mongo.Client
}

// lineWatcher passes the output on and sends the start-up line's
// addresses once.
type lineWatcher struct {
	logBuffer
	once  sync.Once
	found chan [2]string
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	sc := bufio.NewScanner(bytes.NewReader(p))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			d := dbURIRE.FindStringSubmatch(sc.Text())
			uri := ""
			if d != nil {
				uri = d[1]
			}
			w.once.Do(func() { w.found <- [2]string{m[1], uri} })
		}
	}
	return w.logBuffer.Write(p)
}

func oracleEnv(dir string) map[string]string {
	return map[string]string{
		"ADDR": "127.0.0.1:0", "DATA_DIR": dir, "LOG_LEVEL": "warn", "SHUTDOWN_DRAIN": "0s",
		"ADMIN_EMAIL": oracleAdminEmail, "ADMIN_PASSWORD": oraclePassword,
	}
}

const (
	oracleAdminEmail = "admin@oracle.example"
	oraclePassword   = "oracle password 1"
)

// startServer starts talenthub on dir, in process or as the binary, and
// waits until it is ready.
func startServer(ctx context.Context, dir string, inProcess bool, bin string) (*oServer, error) {
	env := oracleEnv(dir)
	s := &oServer{inProcess: inProcess}
	var addrs [2]string
	if inProcess {
		rctx, cancel := context.WithCancel(context.Background())
		w := &lineWatcher{found: make(chan [2]string, 1)}
		s.cancel, s.done, s.out = cancel, make(chan error, 1), &w.logBuffer
		go func() { s.done <- run(rctx, nil, func(k string) string { return env[k] }, w) }()
		select {
		case addrs = <-w.found:
		case err := <-s.done:
			cancel()
			return nil, fmt.Errorf("run returned before listening: %v\n%s", err, w.String())
		case <-time.After(90 * time.Second):
			cancel()
			return nil, fmt.Errorf("run did not listen within 90 s:\n%s", w.String())
		}
	} else {
		cmd := exec.Command(bin, "serve")
		cmd.Env = os.Environ()
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		w := &lineWatcher{found: make(chan [2]string, 1)}
		cmd.Stdout, cmd.Stderr = w, w
		p := &process{cmd: cmd, done: make(chan error, 1), logs: &w.logBuffer}
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		go func() { p.done <- cmd.Wait() }()
		select {
		case addrs = <-w.found:
		case err := <-p.done:
			return nil, fmt.Errorf("talenthub exited before listening: %v\n%s", err, w.String())
		case <-time.After(90 * time.Second):
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("talenthub did not listen within 90 s\n%s", w.String())
		}
		s.proc, s.out = p, &w.logBuffer
		p.base = addrs[0]
	}
	s.base, s.dbURI = addrs[0], addrs[1]
	if s.dbURI == "" {
		s.stop(false)
		return nil, errors.New("the start-up line does not name the embedded database's address")
	}
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(s.dbURI))
	if err != nil {
		s.stop(false)
		return nil, err
	}
	s.client = client
	deadline := time.Now().Add(90 * time.Second)
	for {
		res, err := http.Get(s.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop(false)
			return nil, fmt.Errorf("not ready within 90 s\n%s", s.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *oServer) db() *mongo.Database { return s.client.Database("talenthub") }

// stop ends the server: cleanly (SIGTERM, or cancelling run), or with
// SIGKILL when kill is set and it is a process of its own.
func (s *oServer) stop(kill bool) error {
	if s.client != nil {
		_ = s.client.Disconnect(context.Background())
	}
	if s.inProcess {
		s.cancel()
		select {
		case err := <-s.done:
			if err != nil {
				return fmt.Errorf("run returned %v", err)
			}
			return nil
		case <-time.After(60 * time.Second):
			return errors.New("run did not stop within 60 s")
		}
	}
	if kill {
		_ = s.proc.cmd.Process.Signal(syscall.SIGKILL)
		<-s.proc.done
		return nil
	}
	_ = s.proc.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.proc.done:
		if err != nil {
			return fmt.Errorf("exit after SIGTERM: %v", err)
		}
		return nil
	case <-time.After(60 * time.Second):
		_ = s.proc.cmd.Process.Kill()
		return errors.New("did not exit within 60 s of SIGTERM")
	}
}

// answer is one HTTP answer.
type answer struct {
	code   int
	body   []byte
	header http.Header
}

func (a answer) json(v any) error { return json.Unmarshal(a.body, v) }

func (a answer) String() string {
	b := string(a.body)
	if len(b) > 400 {
		b = b[:400] + "…"
	}
	return fmt.Sprintf("%d %s", a.code, b)
}

var oracleHTTP = &http.Client{Timeout: 60 * time.Second}

// call sends one request: a JSON body if body is not nil, the token as a
// bearer header, or as the web UI's session cookie when cookie is set.
// upload is a body of call sent as a file upload.
type upload struct {
	name string
	data []byte
}

func (s *oServer) call(method, path, token string, body any, cookie bool) (answer, error) {
	var rd io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case upload:
		// A file in the field "file" of a multipart form.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, err := mw.CreateFormFile("file", b.name)
		if err != nil {
			return answer{}, err
		}
		_, _ = fw.Write(b.data)
		_ = mw.Close()
		rd, contentType = &buf, mw.FormDataContentType()
	default:
		j, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		return answer{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		if cookie {
			req.AddCookie(&http.Cookie{Name: "th_session", Value: token})
			req.AddCookie(&http.Cookie{Name: "th_lang", Value: "en"})
		} else {
			req.Header.Set("Authorization", "Bearer "+token)
		}
	}
	res, err := oracleHTTP.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	a := answer{code: res.StatusCode, body: raw, header: res.Header}
	if *oracleVerbose && (method != "GET" || a.code >= 400) {
		fmt.Printf("oracle: %s %s → %s\n", method, path, a)
	}
	if a.code >= 500 {
		return a, fmt.Errorf("%s %s answered %s", method, path, a)
	}
	if strings.HasPrefix(path, "/api/") && a.code >= 400 && !bytes.Contains(raw, []byte(`"error"`)) {
		return a, fmt.Errorf("%s %s answered %d without the error shape: %s", method, path, a.code, a)
	}
	return a, nil
}
