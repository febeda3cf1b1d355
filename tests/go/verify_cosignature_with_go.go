// Command verify_cosignature_with_go checks a C2SP tlog-cosignature
// (cosignature/v1, Ed25519) on a signed note, written from the spec
// (https://c2sp.org/tlog-cosignature) with Go's standard crypto only, so
// that fundlog's C++ cosigner is judged by code that shares nothing with it.
//
// Usage:
//
//	verify_cosignature_with_go WITNESS_VKEY NOTE_FILE
//
// WITNESS_VKEY is "<name>+<hex key id>+<base64(0x04 || Ed25519 key)>".
// Prints "ok <timestamp>" and exits 0 when the note carries a valid
// cosignature by that key; prints the reason and exits 1 otherwise.
//
// Build: go build verify_cosignature_with_go.go (standard library only).
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

func run(args []string) (uint64, error) {
	if len(args) != 2 {
		return 0, errors.New("usage: verify_cosignature_with_go WITNESS_VKEY NOTE_FILE")
	}
	parts := strings.SplitN(args[0], "+", 3)
	if len(parts) != 3 {
		return 0, errors.New("vkey is not name+id+key")
	}
	name := parts[0]
	id, err := hex.DecodeString(parts[1])
	if err != nil || len(id) != 4 {
		return 0, errors.New("vkey id is not 8 hex digits")
	}
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) != 33 || key[0] != 0x04 {
		return 0, errors.New("vkey key is not base64(0x04 || 32 bytes)")
	}
	// Key ID: SHA-256(name || "\n" || 0x04 || key)[:4].
	digest := sha256.Sum256(append([]byte(name+"\n"), key...))
	if !bytes.Equal(digest[:4], id) {
		return 0, fmt.Errorf("vkey id %x, computed %x", id, digest[:4])
	}
	note, err := os.ReadFile(args[1])
	if err != nil {
		return 0, err
	}
	split := bytes.LastIndex(note, []byte("\n\n"))
	if split < 0 {
		return 0, errors.New("note has no blank line")
	}
	body := note[:split+1]
	for _, line := range strings.Split(strings.TrimSuffix(string(note[split+2:]), "\n"), "\n") {
		fields := strings.SplitN(line, " ", 3)
		if len(fields) != 3 || fields[0] != "\u2014" || fields[1] != name {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(fields[2])
		if err != nil || len(sig) != 4+8+64 || !bytes.Equal(sig[:4], id) {
			continue
		}
		timestamp := binary.BigEndian.Uint64(sig[4:12])
		message := fmt.Sprintf("cosignature/v1\ntime %d\n%s", timestamp, body)
		if !ed25519.Verify(ed25519.PublicKey(key[1:]), []byte(message), sig[12:]) {
			return 0, fmt.Errorf("cosignature at time %d does not verify", timestamp)
		}
		return timestamp, nil
	}
	return 0, errors.New("no cosignature by this key")
}

func main() {
	timestamp, err := run(os.Args[1:])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("ok", timestamp)
}
