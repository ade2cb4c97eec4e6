package main

import (
	"encoding/json"
	"strconv"

	"supportdesk/graph/gid"
)

func itoa(i int) string { return strconv.Itoa(i) }

func gidOf(id int) string { return gid.Encode(id) }

func mustID(s string) int {
	id, err := gid.Decode(s)
	if err != nil {
		panic(err)
	}
	return id
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
