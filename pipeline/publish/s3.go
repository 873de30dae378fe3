package publish

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

const (
	// Files from multipartThreshold up go in parts of multipartPart bytes
	// (S3 wants parts of at least 5 MiB, at most 10,000 of them).
	defaultMultipartThreshold = 64 << 20
	defaultMultipartPart      = 16 << 20
	deleteBatch               = 1000
)

// S3 is a target under a prefix of an S3 bucket.
type S3 struct {
	client *s3.Client
	bucket string
	prefix string // "" or ending in "/"

	multipartThreshold int64
	multipartPart      int64
}

func (b *S3) String() string { return "s3://" + b.bucket + "/" + b.prefix }

// openS3 builds a client from the standard AWS chain (environment, shared
// config, roles). A custom endpoint (MinIO, Ceph, versitygw...) implies
// path-style addressing and checksums only where the API requires them,
// which older S3 servers understand.
func openS3(ctx context.Context, bucket, prefix string, opt Options) (*S3, error) {
	opt = opt.withDefaults()
	retryer := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = opt.Retries
			o.MaxBackoff = opt.maxBackoff
			// The client-side retry quota would give up on a server that
			// throws many 503s at once, which is exactly when to keep going.
			o.RateLimiter = ratelimit.None
		})
	}
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = opt.Parallel * 2
	})
	loads := []func(*config.LoadOptions) error{
		config.WithRetryer(retryer),
		config.WithHTTPClient(httpClient),
	}
	if opt.Region != "" {
		loads = append(loads, config.WithRegion(opt.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, fmt.Errorf("publish: s3 config: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	custom := opt.Endpoint != "" || cfg.BaseEndpoint != nil
	if custom {
		cfg.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		cfg.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opt.Endpoint != "" {
			o.BaseEndpoint = aws.String(opt.Endpoint)
		}
		o.UsePathStyle = custom
	})
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{
		client:             client,
		bucket:             bucket,
		prefix:             prefix,
		multipartThreshold: defaultMultipartThreshold,
		multipartPart:      defaultMultipartPart,
	}, nil
}

func (b *S3) List(ctx context.Context) (map[string]Object, error) {
	return b.listPrefix(ctx, "")
}

// listPrefix asks the server for the keys under prefix only.
func (b *S3) listPrefix(ctx context.Context, prefix string) (map[string]Object, error) {
	objs := make(map[string]Object)
	in := &s3.ListObjectsV2Input{Bucket: aws.String(b.bucket)}
	full := b.prefix + prefix
	if full != "" {
		in.Prefix = aws.String(full)
	}
	pages := s3.NewListObjectsV2Paginator(b.client, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("publish: list %s: %w", b, err)
		}
		for _, o := range page.Contents {
			key, ok := strings.CutPrefix(aws.ToString(o.Key), full)
			if !ok || key == "" || strings.HasSuffix(key, "/") {
				continue // folder markers made by some tools
			}
			objs[key] = Object{Size: aws.ToInt64(o.Size), ETag: unquote(aws.ToString(o.ETag))}
		}
	}
	return objs, nil
}

func unquote(etag string) string { return strings.Trim(etag, `"`) }

func (b *S3) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(b.prefix + key)})
	if err != nil {
		if notFound(err) {
			return nil, fmt.Errorf("publish: get %s: %w", key, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("publish: get %s: %w", key, err)
	}
	return out.Body, nil
}

func notFound(err error) bool {
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && (api.ErrorCode() == "NoSuchKey" || api.ErrorCode() == "NotFound")
}

func (b *S3) Put(ctx context.Context, key string, body io.ReadSeeker, size int64, meta Meta) (Object, error) {
	if size >= b.multipartThreshold {
		return b.putMultipart(ctx, key, body, size, meta)
	}
	in := &s3.PutObjectInput{
		Bucket:        aws.String(b.bucket),
		Key:           aws.String(b.prefix + key),
		Body:          body,
		ContentLength: aws.Int64(size),
		ContentType:   aws.String(meta.ContentType),
		CacheControl:  aws.String(meta.CacheControl),
		Metadata:      s3Metadata(meta),
	}
	if len(meta.MD5) > 0 {
		// The server checks it, so a body cut short on the way is refused.
		in.ContentMD5 = aws.String(base64.StdEncoding.EncodeToString(meta.MD5))
	}
	out, err := b.client.PutObject(ctx, in)
	if err != nil {
		return Object{}, fmt.Errorf("publish: put %s: %w", key, err)
	}
	return Object{Size: size, ETag: unquote(aws.ToString(out.ETag))}, nil
}

func s3Metadata(meta Meta) map[string]string {
	if meta.SHA256 == "" {
		return nil
	}
	return map[string]string{"sha256": meta.SHA256}
}

// putMultipart uploads the parts one after the other: files run in
// parallel already, and one part buffer per file bounds the memory.
func (b *S3) putMultipart(ctx context.Context, key string, body io.ReadSeeker, size int64, meta Meta) (Object, error) {
	fail := func(err error) (Object, error) { return Object{}, fmt.Errorf("publish: put %s: %w", key, err) }
	created, err := b.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:       aws.String(b.bucket),
		Key:          aws.String(b.prefix + key),
		ContentType:  aws.String(meta.ContentType),
		CacheControl: aws.String(meta.CacheControl),
		Metadata:     s3Metadata(meta),
	})
	if err != nil {
		return fail(err)
	}
	abort := func() {
		// Abort even when ctx is cancelled, so no parts are left billed.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		b.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(b.bucket), Key: aws.String(b.prefix + key), UploadId: created.UploadId,
		})
	}
	var parts []types.CompletedPart
	buf := make([]byte, min(b.multipartPart, size))
	for n, done := int32(1), int64(0); done < size; n++ {
		chunk := buf[:min(int64(len(buf)), size-done)]
		if _, err := io.ReadFull(body, chunk); err != nil {
			abort()
			return fail(err)
		}
		sum := md5.Sum(chunk)
		out, err := b.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket:        aws.String(b.bucket),
			Key:           aws.String(b.prefix + key),
			UploadId:      created.UploadId,
			PartNumber:    aws.Int32(n),
			Body:          bytes.NewReader(chunk),
			ContentLength: aws.Int64(int64(len(chunk))),
			ContentMD5:    aws.String(base64.StdEncoding.EncodeToString(sum[:])),
		})
		if err != nil {
			abort()
			return fail(err)
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)})
		done += int64(len(chunk))
	}
	out, err := b.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(b.bucket),
		Key:             aws.String(b.prefix + key),
		UploadId:        created.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		abort()
		return fail(err)
	}
	// Some servers answer the completion with another ETag than their
	// listing shows (gofakes3 lists the MD5 of the whole body); ask.
	etag := aws.ToString(out.ETag)
	if head, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(b.prefix + key)}); err == nil {
		etag = aws.ToString(head.ETag)
	}
	return Object{Size: size, ETag: unquote(etag)}, nil
}

func (b *S3) Delete(ctx context.Context, keys ...string) error {
	var errs []error
	for start := 0; start < len(keys); start += deleteBatch {
		batch := keys[start:min(start+deleteBatch, len(keys))]
		ids := make([]types.ObjectIdentifier, len(batch))
		for i, k := range batch {
			ids[i] = types.ObjectIdentifier{Key: aws.String(b.prefix + k)}
		}
		out, err := b.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(b.bucket),
			Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("publish: delete from %s: %w", b, err)
		}
		for _, e := range out.Errors {
			errs = append(errs, fmt.Errorf("publish: delete %s: %s %s", aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message)))
		}
	}
	return errors.Join(errs...)
}

// Create stores body under key only if the key is free (If-None-Match: *).
// A server that does not support conditional writes says so, and the
// caller falls back to a best effort.
func (b *S3) Create(ctx context.Context, key string, body []byte, meta Meta) error {
	_, err := b.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(b.bucket),
		Key:           aws.String(b.prefix + key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
		ContentType:   aws.String(meta.ContentType),
		CacheControl:  aws.String(meta.CacheControl),
		IfNoneMatch:   aws.String("*"),
	})
	var api smithy.APIError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &api) && (api.ErrorCode() == "PreconditionFailed" || api.ErrorCode() == "ConditionalRequestConflict"):
		return ErrExists
	case errors.As(err, &api) && (api.ErrorCode() == "NotImplemented" || api.ErrorCode() == "InvalidArgument"):
		return errNoCreate
	}
	return fmt.Errorf("publish: create %s: %w", key, err)
}
