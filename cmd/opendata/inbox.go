package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/provincia-como/opendata/desk"
	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/publish"
	"github.com/provincia-como/opendata/pipeline/source"
)

// maxUpload caps what is read back from a bucket inbox.
const maxUpload = 200 << 20

// bucketObjects adapts the publisher's S3 target to the object interfaces
// the desk and the pipeline's inbox declare, so that the inbox can be an
// S3 prefix: the AWS SDK stays in the publish package.
type bucketObjects struct{ t publish.Target }

func (b bucketObjects) Write(ctx context.Context, key string, data []byte) error {
	_, err := b.t.Put(ctx, key, bytes.NewReader(data), int64(len(data)), publish.Meta{ContentType: "application/octet-stream", CacheControl: "no-store"})
	return err
}

func (b bucketObjects) Read(ctx context.Context, key string) ([]byte, error) {
	r, err := b.t.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxUpload+1))
	if err == nil && len(data) > maxUpload {
		return nil, fmt.Errorf("%s is larger than %d MB", key, maxUpload>>20)
	}
	return data, err
}

func (b bucketObjects) Keys(ctx context.Context, prefix string) ([]string, error) {
	all, err := b.t.List(ctx)
	if err != nil {
		return nil, err
	}
	var keys []string
	for k := range all {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys, nil
}

func (b bucketObjects) Remove(ctx context.Context, keys ...string) error {
	return b.t.Delete(ctx, keys...)
}

// isBucket tells an inbox in S3 from a folder.
func isBucket(inbox string) bool { return strings.HasPrefix(inbox, "s3://") }

// openBucket opens an S3 inbox; the endpoint of MinIO, Ceph and others
// comes from AWS_ENDPOINT_URL, like the rest of the AWS configuration.
func openBucket(ctx context.Context, inbox string) (bucketObjects, error) {
	t, err := publish.Open(ctx, inbox, publish.Options{})
	if err != nil {
		return bucketObjects{}, err
	}
	return bucketObjects{t: t}, nil
}

// pipelineInbox sets where the pipeline reads the desk's uploads.
func (c *common) pipelineInbox(ctx context.Context, cfg *pipeline.Config, deps *pipeline.Deps) error {
	if !isBucket(c.inbox) {
		cfg.Inbox = c.inbox
		return nil
	}
	b, err := openBucket(ctx, c.inbox)
	if err != nil {
		return err
	}
	deps.Inbox = &source.BucketInbox{Objects: b, MaxBytes: maxUpload}
	return nil
}

// deskInbox opens the desk's inbox, a folder or an S3 prefix.
func (c *common) deskInbox(ctx context.Context, retention time.Duration) (desk.Inbox, error) {
	if !isBucket(c.inbox) {
		return desk.OpenFolder(ctx, c.inbox, desk.Keeping{Retention: retention})
	}
	b, err := openBucket(ctx, c.inbox)
	if err != nil {
		return nil, err
	}
	return desk.OpenBucket(ctx, b, desk.Keeping{Retention: retention})
}
