// Package publish makes a target (a local folder or an S3 bucket prefix)
// match a built portal with the least work, in an order that never leaves a
// page linking to a file that is not there yet.
//
// Sync hashes the local files, lists the target and reads the manifest the
// publisher keeps in the target (.opendata/manifest.json), the listing
// while the files are read. A local file whose size, modification time and
// inode are those of the last scan (kept in the folder's .opendata/) is not
// read again, unless it was modified in the second before that scan. A file
// is skipped only when the listing agrees with the manifest (same size and
// ETag) or, for objects whose ETag is a plain MD5, when that MD5 matches.
// Uploads run in
// phases: downloads and images, then styles and scripts, then pages (a page
// after the new pages it links to), then the home pages, catalog and feeds;
// the deletions come last, and the manifest after them. Only the pages to
// upload are read for links, and only when a new page is among them.
package publish
