// Package catalog holds the domain types every stage of the pipeline shares:
// the portal and its datasets as the catalog declares them, the tables read
// from spreadsheets with the position of every cell, the issues found in them,
// and the versions kept of each dataset.
//
// It imports nothing but the standard library, so that every stage can depend
// on it and on nothing else.
package catalog
