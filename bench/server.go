package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// proc is a started process: the server or the peer.
type proc struct {
	cmd  *exec.Cmd
	pid  int
	base string
	log  string
}

func (p *proc) stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// moduleRoot is the folder of go.mod (the bench runs from the repository).
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the bench from the repository (go run ./bench)")
	}
	return filepath.Dir(mod), nil
}

// startServer builds ./server and starts it against dbURL with a fresh JWT secret.
func startServer(ctx context.Context, dir, dbURL string) (*proc, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "supportdesk-server")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./server")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("go build ./server: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 24)
	_, _ = rand.Read(secret)
	logPath := filepath.Join(dir, "server.log")
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, fmt.Sprintf("LISTEN_ADDR=127.0.0.1:%d", port),
		"JWT_SECRET="+hex.EncodeToString(secret), "DATA_DIR="+filepath.Join(dir, "data"),
		"ACCESS_TOKEN_TTL=12h", "METRICS_ENABLED=true")
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, pid: cmd.Process.Pid, base: fmt.Sprintf("http://127.0.0.1:%d", port), log: logPath}
	if err := waitReady(p.base+"/readyz", 2*time.Minute); err != nil {
		p.stop()
		return nil, fmt.Errorf("server not ready (log %s): %w", logPath, err)
	}
	return p, nil
}

func waitReady(u string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

var httpClient = &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute},
	Timeout: 2 * time.Minute}

// gql posts one GraphQL operation and decodes data into out (when not nil). Any error in the
// answer is an error.
func gql(ctx context.Context, endpoint, token, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	// A response is timed to its last byte read and checked, not decoded: decoding a 1.5 MB
	// statement cost this process 20 ms per request on the cores the servers share. No
	// "errors" anywhere in it means no errors member; with one (or a result wanted) it is
	// decoded.
	if out == nil && resp.StatusCode == http.StatusOK && !bytes.Contains(b, []byte(`"errors"`)) {
		if len(b) == 0 || b[0] != '{' {
			return fmt.Errorf("not a GraphQL response: %.200s", b)
		}
		return nil
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, b)
	}
	if len(env.Errors) > 0 {
		return fmt.Errorf("%s (%v)", env.Errors[0].Message, env.Errors[0].Extensions["code"])
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	if out != nil {
		return json.Unmarshal(env.Data, out)
	}
	return nil
}

// login signs a generated user in through the API and returns its access token.
func login(ctx context.Context, base, email string) (string, error) {
	var out struct {
		Login struct{ AccessToken string }
	}
	err := gql(ctx, base+"/graphql", "", `mutation($e:String!,$p:String!){ login(email:$e, password:$p){ accessToken } }`,
		map[string]any{"e": email, "p": Password}, &out)
	if err != nil {
		return "", fmt.Errorf("login %s: %w", email, err)
	}
	return out.Login.AccessToken, nil
}
