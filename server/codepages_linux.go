package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Code pages (issue 14: RSS idle ≤ 40 MB). The server's binary is some 80 MB, 56 MB of it code
// and read-only data mapped from the file; start-up and the first requests leave 30–45 MB of
// it resident in the process, much of it touched once (the init functions of every linked
// package, entgql's code generator and atlas among them). Those pages are clean copies of
// the file: the process can drop them from its page tables with madvise(MADV_DONTNEED), and
// the next use maps them again from the file (releaseCodePages also takes the pages no process
// maps out of the page cache, so that a fault maps only the page it needs). The process gives
// them back when it turns quiet, next to the garbage of its last requests (idle.go); what the
// idle process still runs maps its pages again.

// codeMapping is a read-only mapping of the executable: its code or read-only data.
type codeMapping struct{ start, end uintptr }

// codeMappings lists the executable's mappings that are not writable, from /proc/self/maps.
// The writable ones (data, bss) hold the process's own state and are never released. A
// binary deleted or replaced on disk since start ("(deleted)" in the maps) yields none.
func codeMappings() ([]codeMapping, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return nil, err
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []codeMapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// address perms offset dev inode pathname
		fields := strings.Fields(sc.Text())
		if len(fields) != 6 || fields[5] != exe || len(fields[1]) != 4 || fields[1][1] != '-' || fields[1][3] != 'p' {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		a, err1 := strconv.ParseUint(lo, 16, 64)
		b, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || b <= a {
			continue
		}
		out = append(out, codeMapping{uintptr(a), uintptr(b)})
	}
	return out, sc.Err()
}

// releaseCodePages drops the executable's code and read-only data from the process's resident
// set; it returns the bytes of the mappings advised. Private, never-written file pages are
// read again from the file as they were, so this changes no behaviour, only what stays mapped.
//
// It also drops the pages no process maps any more from the page cache
// (posix_fadvise(POSIX_FADV_DONTNEED) on the executable) and marks the mappings MADV_RANDOM.
// Otherwise the whole 80 MB binary stays cached, and each page fault maps the cached pages
// around it too (the kernel's fault-around, 64 kB): under load 28 to 35 MB of the binary were
// mapped, of which about 15 MB were used within 2 s (/proc/PID/clear_refs). With the cold pages
// out of the cache and no read-ahead, a fault reads and maps the page the process uses; the
// cost is a read from the file for each page the next requests need again after a quiet spell.
func releaseCodePages() (int64, error) {
	ms, err := codeMappings()
	if err != nil {
		return 0, err
	}
	var n int64
	for _, m := range ms {
		if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_RANDOM); e != 0 {
			return n, e
		}
		if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_DONTNEED); e != 0 {
			return n, e
		}
		n += int64(m.end - m.start)
	}
	if len(ms) == 0 {
		return 0, nil
	}
	f, err := os.Open("/proc/self/exe")
	if err != nil {
		return n, err
	}
	defer f.Close()
	return n, unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
