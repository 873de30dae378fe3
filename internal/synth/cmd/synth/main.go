// Command synth writes a synthetic catalog for the scale benchmarks, or
// changes one dataset of one it wrote.
//
//	synth -out /tmp/cat -comuni 150 -datasets 10 -rows 500
//	synth -out /tmp/cat -change 0,1 -variant 1
//	synth -out /tmp/con -contracts -comuni 147 -years 10 -lotti 100
//	synth -out /tmp/con -new-year 0
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
	contracts := flag.Bool("contracts", false, "write a catalog of public contracts (L. 190/2012 XML, one dataset per comune and year) instead")
	years := flag.Int("years", 10, "with -contracts, years of contracts per comune")
	firstYear := flag.Int("first-year", 2015, "with -contracts, the first year")
	lotti := flag.Int("lotti", 100, "with -contracts, mean lotti of a comune's year")
	newYear := flag.Int("new-year", -1, "instead of generating, add the next year's contracts of comune I to the contracts catalog in -out")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "synth: -out is required")
		flag.Usage()
		os.Exit(2)
	}
	if *newYear >= 0 {
		id, err := synth.AddYear(*out, *newYear)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(id)
		return
	}
	if *contracts {
		s := synth.ContractsSpec{Comuni: *comuni, Years: *years, FirstYear: *firstYear, Lotti: *lotti, Seed: *seed}
		if err := synth.GenerateContracts(*out, s); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%d datasets, %d lotti\n", *comuni**years+1, s.TotalLotti())
		return
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
