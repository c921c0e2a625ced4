// Command versionsread times what a reconciliation reads on the embedded
// database: the _id and version of every document of some collections,
// read from a stopped or running server's SQLite file (read-only), and
// says whether SQLite reads them from the versions index or parses every
// document. BENCHMARKS.md, "A start after a crash at a million records".
//
//	go run ./scripts/versionsread -data /work/big1m -scan recruitments talents
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"path/filepath"
	"time"

	"github.com/szdc/talenthub/server/embeddb"
)

func main() {
	data := flag.String("data", "", "the server's DATA_DIR")
	database := flag.String("db", "talenthub", "the database's name")
	scan := flag.Bool("scan", false, "also read every document's JSON, the indexes set aside, to compare")
	flag.Parse()
	if *data == "" || flag.NArg() == 0 {
		log.Fatal("usage: versionsread -data DATA_DIR COLLECTION…")
	}
	ctx := context.Background()
	db, err := embeddb.OpenFile(filepath.Join(*data, "db", *database+".sqlite"), true)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	tables, err := embeddb.Tables(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	for _, coll := range flag.Args() {
		table, ok := tables[coll]
		if !ok {
			log.Fatalf("no collection %s", coll)
		}
		plan, err := embeddb.QueryPlan(ctx, db, embeddb.VersionsQuery(table))
		if err != nil {
			log.Fatal(err)
		}
		n, began := 0, time.Now()
		if err := embeddb.VersionsIn(ctx, db, coll, func(string, int64) error { n++; return nil }); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d documents in %v (%s)\n", coll, n, time.Since(began).Round(time.Millisecond), plan)
		if *scan {
			// The same read with the indexes set aside: every document's
			// JSON parsed, as without the versions index.
			n, began := 0, time.Now()
			rows, err := db.QueryContext(ctx, embeddb.VersionsQuery(table)+` NOT INDEXED`)
			if err != nil {
				log.Fatal(err)
			}
			for rows.Next() {
				var id any
				var v *int64
				if err := rows.Scan(&id, &v); err != nil {
					log.Fatal(err)
				}
				n++
			}
			if err := rows.Err(); err != nil {
				log.Fatal(err)
			}
			rows.Close()
			fmt.Printf("%s: %d documents in %v (the table scanned)\n", coll, n, time.Since(began).Round(time.Millisecond))
		}
	}
}
