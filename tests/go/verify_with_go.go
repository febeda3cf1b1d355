// Command verify_with_go checks fundlog's checkpoints and proofs with Go's
// reference implementations (golang.org/x/mod/sumdb/note and sumdb/tlog),
// so that our C++ signer and prover are judged by code we did not write.
//
// Usage:
//
//	verify_with_go KEYTEXT CHECKPOINT_FILE PROOF_JSON
//
// KEYTEXT is a verifier key "<name>+<hex id>+<base64 key>". CHECKPOINT_FILE
// holds a signed note whose text is a C2SP tlog checkpoint. PROOF_JSON is a
// file with either an inclusion proof
//
//	{"leaf_index", "tree_size", "root_hash", "leaf_data", "proof": [...]}
//
// or a consistency proof
//
//	{"old_size", "new_size", "old_root", "new_root", "proof": [...]}
//
// with hashes and leaf data in standard base64 and sizes as JSON numbers or
// decimal strings. The proof's tree (tree_size/root_hash, or
// new_size/new_root) must be the one the signed checkpoint attests.
// Prints "ok" and exits 0 if everything verifies; prints the error and exits
// 1 otherwise.
//
// Build offline in GOPATH mode against Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o verify_with_go verify_with_go.go
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// number accepts a JSON number or a decimal string, since 64-bit sizes do
// not survive every JSON writer as numbers.
type number int64

func (n *number) UnmarshalJSON(data []byte) error {
	text := string(data)
	if unquoted, err := strconv.Unquote(text); err == nil {
		text = unquoted
	}
	value, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return fmt.Errorf("not a decimal integer: %s", data)
	}
	*n = number(value)
	return nil
}

type proofFile struct {
	LeafIndex *number  `json:"leaf_index"`
	TreeSize  *number  `json:"tree_size"`
	RootHash  string   `json:"root_hash"`
	LeafData  *string  `json:"leaf_data"`
	OldSize   *number  `json:"old_size"`
	NewSize   *number  `json:"new_size"`
	OldRoot   string   `json:"old_root"`
	NewRoot   string   `json:"new_root"`
	Proof     []string `json:"proof"`
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

// parseCheckpoint reads a C2SP tlog-checkpoint body. tlog.ParseTree only
// knows the go.sum origin, so the three header lines are parsed here.
func parseCheckpoint(text string) (checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 || lines[0] == "" {
		return checkpoint{}, errors.New("checkpoint needs origin, size and root lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || lines[1] != strconv.FormatInt(size, 10) {
		return checkpoint{}, fmt.Errorf("checkpoint size %q is not canonical decimal", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint root: %v", err)
	}
	return checkpoint{lines[0], size, root}, nil
}

func openCheckpoint(keyText, path string) (checkpoint, error) {
	verifier, err := note.NewVerifier(keyText)
	if err != nil {
		return checkpoint{}, fmt.Errorf("verifier key: %v", err)
	}
	msg, err := os.ReadFile(path)
	if err != nil {
		return checkpoint{}, err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("note.Open: %v", err)
	}
	return parseCheckpoint(n.Text)
}

func parseHashes(texts []string) ([]tlog.Hash, error) {
	hashes := make([]tlog.Hash, 0, len(texts))
	for i, text := range texts {
		h, err := tlog.ParseHash(text)
		if err != nil {
			return nil, fmt.Errorf("proof[%d]: %v", i, err)
		}
		hashes = append(hashes, h)
	}
	return hashes, nil
}

// attested fails unless the proof talks about the checkpoint's tree.
func attested(cp checkpoint, size int64, rootText string) (tlog.Hash, error) {
	root, err := tlog.ParseHash(rootText)
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("root: %v", err)
	}
	if size != cp.size || root != cp.root {
		return tlog.Hash{}, fmt.Errorf("proof is for tree %d %v, checkpoint attests %d %v",
			size, root, cp.size, cp.root)
	}
	return root, nil
}

func checkInclusion(cp checkpoint, p proofFile, proof []tlog.Hash) error {
	if p.TreeSize == nil || p.LeafData == nil {
		return errors.New("inclusion proof needs tree_size and leaf_data")
	}
	root, err := attested(cp, int64(*p.TreeSize), p.RootHash)
	if err != nil {
		return err
	}
	data, err := base64.StdEncoding.DecodeString(*p.LeafData)
	if err != nil {
		return fmt.Errorf("leaf_data: %v", err)
	}
	return tlog.CheckRecord(tlog.RecordProof(proof), int64(*p.TreeSize), root,
		int64(*p.LeafIndex), tlog.RecordHash(data))
}

func checkConsistency(cp checkpoint, p proofFile, proof []tlog.Hash) error {
	if p.OldSize == nil || p.NewSize == nil {
		return errors.New("consistency proof needs old_size and new_size")
	}
	newRoot, err := attested(cp, int64(*p.NewSize), p.NewRoot)
	if err != nil {
		return err
	}
	oldRoot, err := tlog.ParseHash(p.OldRoot)
	if err != nil {
		return fmt.Errorf("old_root: %v", err)
	}
	return tlog.CheckTree(tlog.TreeProof(proof), int64(*p.NewSize), newRoot,
		int64(*p.OldSize), oldRoot)
}

func run(args []string) error {
	if len(args) != 3 {
		return errors.New("usage: verify_with_go KEYTEXT CHECKPOINT_FILE PROOF_JSON")
	}
	cp, err := openCheckpoint(args[0], args[1])
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(args[2])
	if err != nil {
		return err
	}
	var p proofFile
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&p); err != nil {
		return fmt.Errorf("proof JSON: %v", err)
	}
	proof, err := parseHashes(p.Proof)
	if err != nil {
		return err
	}
	switch {
	case p.LeafIndex != nil:
		return checkInclusion(cp, p, proof)
	case p.OldSize != nil:
		return checkConsistency(cp, p, proof)
	}
	return errors.New("proof JSON is neither inclusion (leaf_index) nor consistency (old_size)")
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("ok")
}
