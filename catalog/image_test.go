package catalog

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"strings"
	"testing"
)

// A PNG whose header claims 50000×50000 pixels is refused from its header,
// before anything is decoded; a small real one passes.
func TestCatalogImagesAreCheckedBeforeDecoding(t *testing.T) {
	var ok bytes.Buffer
	if err := png.Encode(&ok, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	if _, err := checkImage(ok.Bytes()); err != nil {
		t.Fatalf("small PNG: %v", err)
	}
	// The same PNG with the IHDR's width and height patched (and its CRC fixed).
	bomb := bytes.Clone(ok.Bytes())
	binary.BigEndian.PutUint32(bomb[16:], 50000)
	binary.BigEndian.PutUint32(bomb[20:], 50000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))
	_, err := checkImage(bomb)
	if err == nil || !strings.Contains(err.Error(), "50000×50000") {
		t.Fatalf("bomb: err = %v, want the size refused", err)
	}
	if _, err := checkImage([]byte("GIF89a")); err == nil {
		t.Fatal("garbage accepted")
	}
	c := &Catalog{Assets: map[string][]byte{"a.png": ok.Bytes(), "bomb.png": bomb}}
	if _, err := c.Image("a.png"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Image("bomb.png"); err == nil {
		t.Fatal("Image decoded the bomb")
	}
}

// tinyPNG is a valid 2×2 PNG for tests that need an image asset.
func tinyPNG() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		panic(err)
	}
	return b.Bytes()
}
