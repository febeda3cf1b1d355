// Command read_tiles_with_go reads a log that `fundlog publish` wrote in the
// C2SP tlog-tiles layout with Go's reference code (golang.org/x/mod/sumdb):
// note.Open checks the checkpoint's signature, tlog.TileHashReader reads and
// authenticates the hash tiles against the checkpoint's root, and records
// read from the entry bundles are proven with tlog.ProveRecord/CheckRecord.
//
// Usage:
//
//	read_tiles_with_go KEYTEXT DIR SAMPLES SEED
//
// checks the first and the last record and SAMPLES records drawn with SEED.
// Prints "ok N" (N records checked) and exits 0, or prints the error and
// exits 1.
//
// Tile paths come from Go's own tlog.Tile.Path, which in x/mod 0.7.0 is
// "tile/8/<L>/<N>[.p/<W>]" (it names the tile height) and, for record data,
// "tile/8/data/<N>[.p/<W>]". C2SP tlog-tiles drops the height and calls the
// data tiles entry bundles: "tile/<L>/<N>[.p/<W>]", "tile/entries/<N>...".
// c2spPath maps one to the other; the <N>[.p/<W>] part is Go's, unchanged.
//
// Build offline in GOPATH mode against Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build read_tiles_with_go.go
package main

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

// c2spPath maps Go's tile path to the C2SP tlog-tiles path.
func c2spPath(t tlog.Tile) (string, error) {
	goPath := t.Path()
	prefix := fmt.Sprintf("tile/%d/", height)
	if !strings.HasPrefix(goPath, prefix) {
		return "", fmt.Errorf("unexpected Go tile path %q", goPath)
	}
	rest := goPath[len(prefix):]
	if strings.HasPrefix(rest, "data/") {
		return "tile/entries/" + rest[len("data/"):], nil
	}
	return "tile/" + rest, nil
}

type dirTiles struct{ dir string }

func (d dirTiles) Height() int { return height }

func (d dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		p, err := c2spPath(t)
		if err != nil {
			return nil, err
		}
		data[i], err = os.ReadFile(filepath.Join(d.dir, p))
		if err != nil {
			return nil, err
		}
	}
	return data, nil
}

func (d dirTiles) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// record reads record i of a tree of size n from its entry bundle.
func record(dir string, i, n int64) ([]byte, error) {
	t := tlog.Tile{H: height, L: -1, N: i / 256, W: 256}
	if t.N == n/256 {
		t.W = int(n % 256)
	}
	p, err := c2spPath(t)
	if err != nil {
		return nil, err
	}
	bundle, err := os.ReadFile(filepath.Join(dir, p))
	if err != nil {
		return nil, err
	}
	for k := int64(0); ; k++ {
		if len(bundle) < 2 {
			return nil, fmt.Errorf("%s: ends before entry %d", p, i%256)
		}
		length := int(bundle[0])<<8 | int(bundle[1])
		if len(bundle) < 2+length {
			return nil, fmt.Errorf("%s: entry %d is cut short", p, k)
		}
		if k == i%256 {
			return bundle[2 : 2+length], nil
		}
		bundle = bundle[2+length:]
	}
}

func run(args []string) (int, error) {
	if len(args) != 4 {
		return 0, errors.New("usage: read_tiles_with_go KEYTEXT DIR SAMPLES SEED")
	}
	dir := args[1]
	samples, err1 := strconv.Atoi(args[2])
	seed, err2 := strconv.ParseInt(args[3], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("SAMPLES and SEED must be integers")
	}
	verifier, err := note.NewVerifier(args[0])
	if err != nil {
		return 0, fmt.Errorf("verifier key: %v", err)
	}
	msg, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		return 0, err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return 0, fmt.Errorf("note.Open: %v", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return 0, errors.New("checkpoint needs origin, size and root lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size <= 0 {
		return 0, fmt.Errorf("checkpoint size %q", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return 0, fmt.Errorf("checkpoint root: %v", err)
	}
	tree := tlog.Tree{N: size, Hash: root}
	reader := tlog.TileHashReader(tree, dirTiles{dir})
	th, err := tlog.TreeHash(size, reader)
	if err != nil {
		return 0, fmt.Errorf("tree hash from tiles: %v", err)
	}
	if th != root {
		return 0, fmt.Errorf("tiles give root %v, checkpoint says %v", th, root)
	}
	indexes := []int64{0, size - 1}
	random := rand.New(rand.NewSource(seed))
	for k := 0; k < samples; k++ {
		indexes = append(indexes, random.Int63n(size))
	}
	for _, i := range indexes {
		data, err := record(dir, i, size)
		if err != nil {
			return 0, err
		}
		proof, err := tlog.ProveRecord(size, i, reader)
		if err != nil {
			return 0, fmt.Errorf("record %d: ProveRecord: %v", i, err)
		}
		if err := tlog.CheckRecord(proof, size, root, i, tlog.RecordHash(data)); err != nil {
			return 0, fmt.Errorf("record %d: CheckRecord: %v", i, err)
		}
	}
	return len(indexes), nil
}

func main() {
	checked, err := run(os.Args[1:])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("ok", checked)
}
