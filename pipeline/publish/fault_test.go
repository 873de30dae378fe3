package publish

import (
	"context"
	"math/rand/v2"
	"net/http"
	"testing"
)

// s3Kinds are the S3 servers the fault tests put behind the faulty proxy.
var s3Kinds = []struct {
	name  string
	start func(t testing.TB) *s3Server
	// cutStep spaces the cut points of TestFaultsStopCleanly; the real
	// server is slower to set up.
	cutStep int
}{
	{"gofakes3", newGofakes3, 1},
	{"versitygw", newVersity, 3},
}

// With transient faults (each object fails at most twice: 500, 503, or a
// dropped connection before or after the server stored it) the SDK's
// retries carry the publish through.
func TestFaultsConverge(t *testing.T) {
	for _, kind := range s3Kinds {
		t.Run(kind.name, func(t *testing.T) {
			srv := kind.start(t)
			tg, px := srv.bucket(t)
			rng := rand.New(rand.NewPCG(1, 2))
			failed := map[string]int{}
			px.setFaults(func(r *http.Request) fault {
				if r.Method != http.MethodPut || failed[r.URL.Path] >= 2 {
					return pass
				}
				f := []fault{pass, pass, pass, fail500, fail503, dropBefore, dropAfter}[rng.IntN(7)]
				if f != pass {
					failed[r.URL.Path]++
				}
				return f
			})
			for _, name := range []string{"portal-v1", "portal-v2"} {
				dir := expand(t, name)
				sum, err := Sync(context.Background(), dir, tg, Options{Force: true})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				sameTree(t, readTree(t, dir), readTarget(t, tg))
				if b := brokenLinks(t, tg, nil); len(b) > 0 {
					t.Errorf("%s: broken links %v", name, b)
				}
				t.Logf("%s: %v", name, sum)
			}
			px.mu.Lock()
			injected := px.faults[fail500] + px.faults[fail503] + px.faults[dropBefore] + px.faults[dropAfter]
			t.Logf("faults injected: %v", px.faults)
			px.mu.Unlock()
			if injected == 0 {
				t.Fatal("no fault was injected; the test proved nothing")
			}
		})
	}
}

// When the server stops taking writes part way (every PUT after the first
// n fails with 503, or has its connection dropped), the publish stops with an error and leaves a site where every
// page a visitor can reach, old or new, links only to files that are
// there. A later publish on a healthy server completes it.
func TestFaultsStopCleanly(t *testing.T) {
	for _, kind := range s3Kinds {
		t.Run(kind.name, func(t *testing.T) {
			srv := kind.start(t)
			v1, v2 := expand(t, "portal-v1"), expand(t, "portal-v2")
			oldPages := htmlKeys(readTree(t, v1))
			put, _ := treeDiff(readTree(t, v1), readTree(t, v2))
			steps := []struct {
				name string
				from string // "" for an empty bucket
				to   string
			}{
				{"first publish", "", v1},
				{"new run", v1, v2},
			}
			for _, step := range steps {
				for cut := 0; cut <= len(put); cut += kind.cutStep {
					down := []fault{fail503, dropBefore}[cut%2]
					tg, px := srv.bucket(t)
					var start []string
					if step.from != "" {
						mustSync(t, step.from, tg, Options{})
						start = oldPages
					}
					px.reset()
					px.setFaults(func(r *http.Request) fault {
						if r.Method == http.MethodPut && px.counts[http.MethodPut] > cut {
							return down
						}
						return pass
					})
					_, err := Sync(context.Background(), step.to, tg, Options{Parallel: 4})
					if err == nil && px.count(http.MethodPut) > cut {
						t.Errorf("%s, cut after %d PUTs: no error", step.name, cut)
					}
					if b := brokenLinks(t, tg, start); len(b) > 0 {
						t.Errorf("%s, cut after %d PUTs: broken links %v", step.name, cut, b)
					}
					px.setFaults(nil)
					mustSync(t, step.to, tg, Options{})
					sameTree(t, readTree(t, step.to), readTarget(t, tg))
					if b := brokenLinks(t, tg, nil); len(b) > 0 {
						t.Errorf("%s, after healing: broken links %v", step.name, b)
					}
				}
			}
		})
	}
}
