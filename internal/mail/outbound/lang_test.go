package outbound

import (
	"strings"
	"testing"
)

func TestFor(t *testing.T) {
	for lang, want := range map[string]string{"de": "Hallo", "de-AT": "Hallo", "da": "Hej", "da-DK": "Hej", "en": "Hello",
		"en-GB": "Hello", "fr": "Hello", "": "Hello", "not a tag!": "Hello", "nb": "Hej"} {
		if got := For(lang).Greeting("X"); !strings.HasPrefix(got, want) {
			t.Errorf("For(%q) greets %q, want %s", lang, got, want)
		}
	}
}

func TestKindsTranslated(t *testing.T) {
	for _, tr := range all {
		if len(tr.Kinds) != len(english.Kinds) {
			t.Fatalf("%v names %d kinds, English %d", tr.Tag, len(tr.Kinds), len(english.Kinds))
		}
		for k := range english.Kinds {
			if tr.Kinds[k] == "" {
				t.Errorf("%v lacks %s", tr.Tag, k)
			}
		}
	}
}

func TestHTMLEscapes(t *testing.T) {
	h := HTML("<t>", []string{"a <script>x</script> & b"})
	if strings.Contains(h, "<script>") || !strings.Contains(h, "a &lt;script&gt;x&lt;/script&gt; &amp; b") || !strings.Contains(h, "<title>&lt;t&gt;</title>") {
		t.Fatalf("HTML %s", h)
	}
}
