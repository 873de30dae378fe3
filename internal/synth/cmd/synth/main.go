// Command synth writes a synthetic catalog for the scale benchmarks, or
// changes one dataset of one it wrote.
//
//	synth -out /tmp/cat -comuni 150 -datasets 10 -rows 500
//	synth -out /tmp/cat -change 0,1 -variant 1
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/provincia-como/opendata/internal/synth"
)

func main() {
	out := flag.String("out", "", "folder to write the catalog into (required)")
	comuni := flag.Int("comuni", 150, "number of comuni")
	datasets := flag.Int("datasets", 10, "datasets per comune")
	rows := flag.Int("rows", 500, "rows per dataset")
	seed := flag.Int64("seed", 1, "seed: the same seed gives the same files")
	change := flag.String("change", "", "instead of generating, rewrite dataset K of comune I (\"I,K\") of the catalog in -out")
	variant := flag.Int("variant", 1, "with -change, which other content to write (0 is the original)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "synth: -out is required")
		flag.Usage()
		os.Exit(2)
	}
	if *change != "" {
		is, ks, ok := strings.Cut(*change, ",")
		i, err1 := strconv.Atoi(is)
		k, err2 := strconv.Atoi(ks)
		if !ok || err1 != nil || err2 != nil {
			fmt.Fprintln(os.Stderr, "synth: -change wants two numbers, comune and dataset, like 0,1")
			os.Exit(2)
		}
		id, err := synth.Change(*out, i, k, *variant)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(id)
		return
	}
	if err := synth.Generate(*out, *comuni, *datasets, *rows, *seed); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s := synth.Spec{Comuni: *comuni, Datasets: *datasets, Rows: *rows, Seed: *seed}
	fmt.Printf("%d datasets, %d rows\n", *comuni**datasets+1, s.TotalRows())
}
