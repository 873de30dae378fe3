// Package s3test starts S3 servers for tests: gofakes3 in the test's own
// process, and versitygw, a real S3 gateway, on a loopback port. The same
// tests run on both, since a fake forgives what a real server refuses.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// The test credentials both servers accept.
const (
	Access = "opendata-test"
	Secret = "opendata-test-secret"
	Region = "us-east-1"
)

// VersityModule is what to `go install` when versitygw is missing.
const VersityModule = "github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// Server is an S3 endpoint for one test.
type Server struct {
	Name     string
	Endpoint string
	buckets  atomic.Int64
}

// Gofakes3 serves an in-memory S3 for the test.
func Gofakes3(t testing.TB) *Server {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	return &Server{Name: "gofakes3", Endpoint: srv.URL}
}

// Versity starts versitygw with a POSIX backend in a temp dir, on a free
// loopback port. Without the binary the test is skipped, unless
// OPENDATA_REQUIRE_S3=1 (set by CI) makes it a failure.
func Versity(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		gopath, _ := exec.Command("go", "env", "GOPATH").Output()
		bin = filepath.Join(strings.TrimSpace(string(gopath)), "bin", "versitygw")
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("OPENDATA_REQUIRE_S3") == "1" {
				t.Fatal("versitygw not found; install it with go install " + VersityModule)
			}
			t.Skip("versitygw not installed (go install " + VersityModule + ")")
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", t.TempDir())
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+Access, "ROOT_SECRET_ACCESS_KEY="+Secret)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	endpoint := "http://" + addr
	for i := 0; ; i++ {
		resp, err := http.Get(endpoint)
		if err == nil {
			resp.Body.Close()
			break
		}
		if i == 100 {
			t.Fatalf("versitygw did not start on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return &Server{Name: "versitygw", Endpoint: endpoint}
}

// Each runs test once per server, each in its own subtest, so that a
// missing versitygw skips only its half.
func Each(t *testing.T, test func(t *testing.T, s *Server)) {
	for _, srv := range []struct {
		name  string
		start func(testing.TB) *Server
	}{{"gofakes3", Gofakes3}, {"versitygw", Versity}} {
		t.Run(srv.name, func(t *testing.T) { test(t, srv.start(t)) })
	}
}

// Env points the standard AWS chain at the test credentials and at s
// (AWS_ENDPOINT_URL), away from any configuration of the machine. With a
// nil s the endpoint is left empty.
func Env(t testing.TB, s *Server) {
	t.Helper()
	endpoint := ""
	if s != nil {
		endpoint = s.Endpoint
	}
	t.Setenv("AWS_ACCESS_KEY_ID", Access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", Secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", Region)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// Client is an SDK client for the server, with the test credentials,
// path-style addressing (the servers listen on an IP address) and
// checksums only where S3 requires them, as for any endpoint not AWS.
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:                     Region,
		BaseEndpoint:               aws.String(s.Endpoint),
		UsePathStyle:               true,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: Access, SecretAccessKey: Secret}, nil
		}),
	})
}

// Bucket makes a fresh bucket, named after prefix and a counter, and
// returns its name.
func (s *Server) Bucket(t testing.TB, prefix string) string {
	t.Helper()
	name := fmt.Sprintf("%s%d", prefix, s.buckets.Add(1))
	if _, err := s.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("%s: create bucket %s: %v", s.Name, name, err)
	}
	return name
}

// Objects is a key-value view of a bucket prefix made with the SDK alone,
// for tests of code that takes an object store (desk.Objects,
// source.Objects) without the publisher in between.
type Objects struct {
	Client *s3.Client
	Bucket string
	Prefix string // "" or ending in "/"
}

// Objects is a fresh bucket's prefix.
func (s *Server) Objects(t testing.TB, prefix string) *Objects {
	t.Helper()
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &Objects{Client: s.Client(), Bucket: s.Bucket(t, "inbox"), Prefix: prefix}
}

func (o *Objects) Write(ctx context.Context, key string, data []byte) error {
	_, err := o.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(o.Bucket), Key: aws.String(o.Prefix + key),
		Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
	})
	return err
}

// Read returns an object; the error wraps fs.ErrNotExist when it is absent.
func (o *Objects) Read(ctx context.Context, key string) ([]byte, error) {
	out, err := o.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(o.Prefix + key)})
	if err != nil {
		var nsk *types.NoSuchKey
		var api smithy.APIError
		if errors.As(err, &nsk) || errors.As(err, &api) && api.ErrorCode() == "NotFound" {
			return nil, fmt.Errorf("get %s: %w", key, fs.ErrNotExist)
		}
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// Keys lists the keys under prefix, relative to the Objects' own prefix,
// sorted.
func (o *Objects) Keys(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(o.Client, &s3.ListObjectsV2Input{Bucket: aws.String(o.Bucket), Prefix: aws.String(o.Prefix + prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, obj := range page.Contents {
			keys = append(keys, strings.TrimPrefix(aws.ToString(obj.Key), o.Prefix))
		}
	}
	sort.Strings(keys)
	return keys, nil
}

func (o *Objects) Remove(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		if _, err := o.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(o.Prefix + k)}); err != nil {
			return err
		}
	}
	return nil
}
