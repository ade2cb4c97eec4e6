package main

import (
	"bufio"
	"bytes"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestReleaseCodePages (issue 14, idle RSS): releasing the binary's code pages takes them out
// of the process's resident set, and the process goes on answering exactly as before: the
// pages it runs next come back from the file.
func TestReleaseCodePages(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	tok := e.token(w, "P1.AGENT")
	const q = `{ queue(first:20){ totalCount edges{ node{ number title priority status customer{ name } } } } }`
	before := e.do(tok, q, nil)
	if len(before.Errors) > 0 || !bytes.Contains(before.Data, []byte(`"totalCount"`)) {
		t.Fatalf("queue before the release: %s %+v", before.Data, before.Errors)
	}

	ms, err := codeMappings()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 {
		t.Fatalf("%d read-only mappings of the executable, want code and read-only data", len(ms))
	}
	var size int64
	for _, m := range ms {
		size += int64(m.end - m.start)
	}
	// The test binary was just written by the linker: its pages in the page cache are dirty
	// until written back (up to 30 s), and the kernel keeps dirty pages cached whatever the
	// advice. A deployed server's binary is long written; write this one now.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if f, err := os.Open(exe); err != nil {
		t.Fatal(err)
	} else {
		err = f.Sync()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	resident := residentOf(t, ms)
	n, err := releaseCodePages()
	if err != nil {
		t.Fatal(err)
	}
	after := residentOf(t, ms)
	t.Logf("code and read-only data: %d MB mapped, %d kB resident before the release, %d kB after", size>>20, resident>>10, after>>10)
	if n != size {
		t.Fatalf("released %d bytes of mappings, want all %d", n, size)
	}
	// What runs between the release and the reading of smaps maps a few pages again.
	if resident < 4<<20 || after > resident/4 {
		t.Fatalf("resident code %d kB before the release, %d kB after: not released", resident>>10, after>>10)
	}
	// The pages no process maps left the page cache (what this process ran since came back),
	// and the mappings read no more than the page a fault asks for (VmFlags "rr").
	cached, fileSize := cachedOf(t, exe)
	t.Logf("executable: %d MB, %d kB of it in the page cache after the release", fileSize>>20, cached>>10)
	if cached > fileSize/2 {
		t.Fatalf("%d kB of the %d MB executable still cached after the release", cached>>10, fileSize>>20)
	}
	if rr := randomReadMappings(t, ms); rr != len(ms) {
		t.Fatalf("%d of %d code mappings advised MADV_RANDOM", rr, len(ms))
	}

	again := e.do(tok, q, nil)
	if len(again.Errors) > 0 || !bytes.Equal(again.Data, before.Data) {
		t.Fatalf("queue after the release differs:\n%s\nwant\n%s", again.Data, before.Data)
	}
	if grown := residentOf(t, ms); grown <= after {
		t.Fatalf("a request after the release mapped no code again (%d kB, %d before)", grown>>10, after>>10)
	}
}

// cachedOf maps the file and counts its pages in the page cache (mincore); it returns the
// cached bytes and the file's size.
func cachedOf(t *testing.T, path string) (int64, int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(b)
	page := os.Getpagesize()
	vec := make([]byte, (len(b)+page-1)/page)
	if _, _, e := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatal(e)
	}
	var n int64
	for _, v := range vec {
		if v&1 != 0 {
			n += int64(page)
		}
	}
	return n, st.Size()
}

// randomReadMappings counts the given mappings whose VmFlags in /proc/self/smaps carry rr.
func randomReadMappings(t *testing.T, ms []codeMapping) int {
	t.Helper()
	n := 0
	smapsOf(t, ms, func(field, value string) {
		if field == "VmFlags" && slices.Contains(strings.Fields(value), "rr") {
			n++
		}
	})
	return n
}

// residentOf sums the resident bytes of the given mappings from /proc/self/smaps.
func residentOf(t *testing.T, ms []codeMapping) int64 {
	t.Helper()
	var sum int64
	smapsOf(t, ms, func(field, value string) {
		if field != "Rss" {
			return
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "kB")), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		sum += kb << 10
	})
	return sum
}

// smapsOf calls fn with each field ("Rss", "VmFlags", ...) and value of the given mappings'
// entries in /proc/self/smaps.
func smapsOf(t *testing.T, ms []codeMapping, fn func(field, value string)) {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rng, _, ok := strings.Cut(line, " "); ok && strings.Contains(rng, "-") && !strings.HasSuffix(rng, ":") {
			lo, _, _ := strings.Cut(rng, "-")
			a, err := strconv.ParseUint(lo, 16, 64)
			in = err == nil && slices.ContainsFunc(ms, func(m codeMapping) bool { return uintptr(a) == m.start })
			continue
		}
		if field, value, ok := strings.Cut(line, ":"); ok && in {
			fn(field, value)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// RELEASE_CODE_WHEN_IDLE: on by default, off with false, anything else refused by name.
func TestReleaseCodeConfig(t *testing.T) {
	for v, want := range map[string]bool{"": true, "true": true, "false": false, "0": false} {
		c, err := ConfigFromEnv(func(k string) string {
			if k == "RELEASE_CODE_WHEN_IDLE" {
				return v
			}
			return ""
		})
		if err != nil || c.ReleaseCodeWhenIdle != want {
			t.Errorf("RELEASE_CODE_WHEN_IDLE=%q: %v, %v; want %v", v, c.ReleaseCodeWhenIdle, err, want)
		}
	}
	_, err := ConfigFromEnv(func(k string) string {
		if k == "RELEASE_CODE_WHEN_IDLE" {
			return "sometimes"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "RELEASE_CODE_WHEN_IDLE") {
		t.Fatalf("RELEASE_CODE_WHEN_IDLE=sometimes: %v", err)
	}
}
