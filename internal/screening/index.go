package screening

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
)

// maxTokens caps the tokens of one name that take part in matching. List
// names and queries longer than this are matched on their first maxTokens
// words (names that long are descriptions, not names).
const maxTokens = 64

// Index finds and scores list entities for a queried name. It is built once
// and then only read, so any number of goroutines may search it at once.
type Index struct {
	entities []Entity
	names    []nameRec
	nameW    []float32 // total weight of each name's words
	vocab    map[string]int32
	terms    []term
	postings [][]int32          // term -> names holding it (as a token or a compound)
	delKeys  []uint32           // sorted hashes of words with letters deleted (32 bits: a collision only adds a candidate the edit distance then rejects)
	delTerms []int32            // the term each delKeys entry came from
	slotKey  []uint32           // open-addressing table: hash -> first index in delKeys
	slotAt   []uint32           // index+1 into delKeys; 0 marks an empty slot
	phon     map[string][]int32 // phonetic key -> word terms
	acro     map[string][]int32 // initials of a name's words -> names
	unknownW float32            // weight of a query word the lists never use
	pool     sync.Pool
	// words caches lookups of query words (batches of supplier names
	// repeat words such as "trading" or "shenzhen" thousands of times).
	// Entries are never changed once stored; the cache stops growing at
	// maxCachedWords.
	wordsMu sync.RWMutex
	words   map[wordKey][]match
	// parts caches the readings of parts of Japanese names, the same way.
	partsMu sync.RWMutex
	parts   map[partKey]readingPart
	// exact holds, for each term, the match of a query word that is the
	// term as written, so looking such words up allocates nothing.
	exact []match
	// brief holds what scoreBound reads of each term, packed in 8 bytes,
	// so bounding a candidate does not follow its words' text.
	brief []termBrief
	// arabicKeys maps consonant skeletons to list words, built on the
	// first query in Arabic script.
	arabicOnce sync.Once
	arabicKeys map[string][]int32
	// native holds the names written in a script compared in itself (see
	// native.go), by name; entityScripts the scripts each entity has such
	// names in.
	native        map[int32]nativeName
	entityScripts []nativeScript
}

type term struct {
	text   string
	class  tokClass
	weight float32
	// compound marks a term that is only ever two adjacent list words
	// written together, never a word of a list name on its own.
	compound bool
}

// termBrief is the weight, class, length and first letter of a term.
type termBrief struct {
	weight float32
	class  tokClass
	n      uint8 // length in bytes, at most 255
	first  byte
}

// nameRec is one name (primary or alias) of an entity, normalised.
type nameRec struct {
	entity    int32
	text      string
	toks      []int32
	compounds []compound
	weak      bool
	// optional marks the tokens a query may leave out at little cost: a
	// person's middle names, patronymics and second family names.
	optional uint64
	// given is the position of the first given name of a person's name
	// written "FAMILY, Given"; -1 when the name does not say.
	given    int8
	initials string // first letters of the distinctive words, for acronyms
	initPos  []uint8
}

// compound is two adjacent words of a list name written together
// ("aero caribbean" as "aerocaribbean").
type compound struct {
	term int32
	pos  uint8
}

// scratch is the per-search working memory, pooled to keep searches free of
// allocation-heavy maps.
type scratch struct {
	termHits []uint16
	touchedT []int32
	acc      []float32
	touchedN []int32
	cands    []int32
	pairs    []pair
	chosen   []pair
	lsim     []float32
	qsim     []float32
	pq       preparedQuery
	bound    queryBound
}

// NewIndex builds the candidate index over the entities of the given lists.
func NewIndex(lists ...*Watchlist) *Index {
	var all []Entity
	for _, l := range lists {
		all = append(all, l.Entities...)
	}
	return NewEntityIndex(all)
}

// NewEntityIndex builds the index over entities directly.
func NewEntityIndex(entities []Entity) *Index {
	ix := &Index{
		entities:      entities,
		vocab:         make(map[string]int32, len(entities)*4),
		phon:          map[string][]int32{},
		acro:          map[string][]int32{},
		native:        map[int32]nativeName{},
		entityScripts: make([]nativeScript, len(entities)),
	}
	df := []int32{}
	compoundTerm := map[int32]bool{}
	termID := func(text string, class tokClass) int32 {
		if id, ok := ix.vocab[text]; ok {
			return id
		}
		id := int32(len(ix.terms))
		ix.vocab[text] = id
		ix.terms = append(ix.terms, term{text: text, class: class})
		ix.postings = append(ix.postings, nil)
		df = append(df, 0)
		return id
	}
	for ei := range entities {
		e := &entities[ei]
		seen := map[string]bool{}
		add := func(name string, weak bool) {
			toks := normaliseName(name)
			if len(toks) > maxTokens {
				toks = toks[:maxTokens]
			}
			if len(toks) == 0 {
				return
			}
			key := joinTokens(toks)
			if seen[key] {
				return
			}
			seen[key] = true
			nr := nameRec{entity: int32(ei), text: name, weak: weak}
			nr.given = -1
			if e.Kind == KindPerson {
				nr.optional = optionalParts(name, toks)
				nr.given = givenNamePos(name, toks)
			}
			ni := int32(len(ix.names))
			for p, t := range toks {
				id := termID(t.text, t.class)
				delete(compoundTerm, id) // a word of some list name as well
				nr.toks = append(nr.toks, id)
				if t.class == classWord || t.class == classNumber {
					if len(t.text) > 0 {
						nr.initials += t.text[:1]
						nr.initPos = append(nr.initPos, uint8(p))
					}
				}
				if p > 0 && toks[p-1].class == classWord && t.class == classWord {
					cid := termID(toks[p-1].text+t.text, classWord)
					if df[cid] == 0 {
						compoundTerm[cid] = true
					}
					nr.compounds = append(nr.compounds, compound{term: cid, pos: uint8(p - 1)})
				}
			}
			for _, id := range nr.toks {
				addPosting(ix.postings, df, id, ni)
			}
			for _, c := range nr.compounds {
				addPosting(ix.postings, df, c.term, ni)
			}
			if nn := foldNative(name); nn.script != 0 {
				ix.native[ni] = nn
				ix.entityScripts[ei] |= nn.script
			}
			if len(nr.initials) >= 3 && len(nr.initials) <= 8 {
				ix.acro[nr.initials] = append(ix.acro[nr.initials], ni)
			}
			ix.names = append(ix.names, nr)
		}
		add(e.Name, false)
		for _, a := range e.Aliases {
			add(a, false)
		}
		for _, a := range e.WeakAliases {
			add(a, true)
		}
	}
	n := float64(len(ix.names) + 1)
	var dels []uint32
	pairs := make([]delPair, 0, 16*len(ix.terms))
	for id := range ix.terms {
		t := &ix.terms[id]
		t.compound = compoundTerm[int32(id)]
		idf := float32(math.Log(1 + n/float64(df[id]+1)))
		switch t.class {
		case classLegal:
			t.weight = 0.08 * idf
		case classStop:
			t.weight = 0.05 * idf
		default:
			t.weight = idf
		}
		if t.class == classWord && len(t.text) >= 4 {
			// Compounds are found by exact lookup only: their parts are
			// already indexed for spelling variants.
			if !compoundTerm[int32(id)] {
				dels = deletions(t.text, min(allowedEdits(len(t.text)), 2), dels[:0])
				for _, h := range dels {
					pairs = append(pairs, delPair{h, int32(id)})
				}
			}
			{
				if k := phoneticKey(t.text); len(k) >= 2 {
					ix.phon[k] = append(ix.phon[k], int32(id))
				}
			}
		}
	}
	ix.exact = make([]match, len(ix.terms))
	ix.brief = make([]termBrief, len(ix.terms))
	for id := range ix.exact {
		ix.exact[id] = match{term: int32(id), sim: 1, how: howExact}
		t := &ix.terms[id]
		b := termBrief{weight: t.weight, class: t.class, n: uint8(min(len(t.text), 255))}
		if t.text != "" {
			b.first = t.text[0]
		}
		ix.brief[id] = b
	}
	slices.SortFunc(pairs, func(a, b delPair) int { return cmp.Compare(a.key, b.key) })
	ix.delKeys = make([]uint32, len(pairs))
	ix.delTerms = make([]int32, len(pairs))
	for i, p := range pairs {
		ix.delKeys[i], ix.delTerms[i] = p.key, p.term
	}
	size := 1
	for size < 2*len(pairs)+1 {
		size <<= 1
	}
	ix.slotKey = make([]uint32, size)
	ix.slotAt = make([]uint32, size)
	mask := uint32(size - 1)
	for i, k := range ix.delKeys {
		if i > 0 && ix.delKeys[i-1] == k {
			continue
		}
		for h := k & mask; ; h = (h + 1) & mask {
			if ix.slotAt[h] == 0 {
				ix.slotKey[h], ix.slotAt[h] = k, uint32(i+1)
				break
			}
		}
	}
	ix.nameW = make([]float32, len(ix.names))
	for i := range ix.names {
		for _, id := range ix.names[i].toks {
			ix.nameW[i] += ix.terms[id].weight
		}
	}
	ix.unknownW = float32(0.8 * math.Log(1+n))
	ix.pool.New = func() any {
		return &scratch{termHits: make([]uint16, len(ix.terms)), acc: make([]float32, len(ix.names)),
			pq: preparedQuery{termGen: make([]uint32, len(ix.terms)), termFirst: make([]int32, len(ix.terms))}}
	}
	return ix
}

func addPosting(post [][]int32, df []int32, id, name int32) {
	p := post[id]
	if len(p) > 0 && p[len(p)-1] == name {
		return
	}
	post[id] = append(p, name)
	df[id]++
}

func joinTokens(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// Len returns the number of entities and of indexed names.
func (ix *Index) Len() (entities, names int) { return len(ix.entities), len(ix.names) }

// match is a list term similar to a query word, with its similarity.
type match struct {
	term int32
	sim  float32
	how  matchHow
}

type matchHow uint8

const (
	howExact matchHow = iota
	howSpelling
	howSound
	howInitial
	howAcronym
	howSkeleton // the same consonants, as Arabic script writes them
)

// allowedEdits is how many edits a word of length n may carry and still
// count as the same word.
func allowedEdits(n int) int {
	switch {
	case n >= 11:
		return 3
	case n >= 7:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// lookup finds the list terms similar to word w: the exact term, spelling
// variants within allowedEdits (found through the deletion table, so a typo in
// the first letter is found too), and words with the same sound key.
func (ix *Index) lookup(w string, class tokClass, maxEdits int, sound bool, s *scratch, out []match) []match {
	if id, ok := ix.vocab[w]; ok {
		out = append(out, match{term: id, sim: 1, how: howExact})
		// A word the lists use as written is most likely spelled right:
		// look only one edit away for its variants.
		maxEdits = min(maxEdits, 1)
	}
	if class != classWord || len(w) < 4 {
		return out
	}
	maxD := min(allowedEdits(len(w)), maxEdits)
	var delBuf [512]uint32
	s.touchedT = s.touchedT[:0]
	for _, h := range deletions(w, maxD, delBuf[:0]) {
		i := ix.findDeletion(h)
		for ; i >= 0 && i < len(ix.delKeys) && ix.delKeys[i] == h; i++ {
			id := ix.delTerms[i]
			if s.termHits[id] == 0 {
				s.termHits[id] = 1
				s.touchedT = append(s.touchedT, id)
			}
		}
	}
	// A shorter list word may be one of the query word's deletions itself.
	for _, id := range s.touchedT {
		s.termHits[id] = 0
		t := ix.terms[id].text
		if t == w || abs(len(t)-len(w)) > maxD {
			continue
		}
		d := osa(w, t, maxD)
		if d > maxD {
			continue
		}
		out = append(out, match{term: id, sim: 1 - float32(d)/float32(max(len(w), len(t))), how: howSpelling})
	}
	// Short sound keys are shared by too many words to say much; they are
	// used only for short words.
	if k := phoneticKey(w); sound && (len(k) >= 3 || (len(k) == 2 && len(w) <= 6)) {
		same := ix.phon[k]
		if len(same) > maxSoundAlikes {
			same = nil
		}
		fw := digraphFold(w)
		for _, id := range same {
			t := ix.terms[id].text
			ft := digraphFold(t)
			// Words written without vowels (Arabic and Hebrew script
			// transliterate so: "mhmd") can only be compared by sound.
			if t == w || (!vowelless(w) && (abs(len(ft)-len(fw)) > 3 || osa(fw, ft, len(fw)/2) > len(fw)/2)) {
				continue
			}
			soundSim := float32(0.75)
			if fw == ft {
				// The same word romanised two ways ("sadzhdzhad", "sajjad").
				soundSim = 0.9
			} else if vowelless(w) && skeleton(w) == skeleton(t) {
				// The same consonants in the same order: as close as a
				// vowelless script can come.
				soundSim = 0.88
			}
			found := false
			for i := range out {
				if out[i].term == id {
					found = true
					if out[i].sim < soundSim {
						out[i].sim, out[i].how = soundSim, howSound
					}
				}
			}
			if !found {
				out = append(out, match{term: id, sim: soundSim, how: howSound})
			}
		}
	}
	return out
}

// romanDigraphs writes the digraphs of Cyrillic romanisation (BGN/PCGN:
// дж = "dzh", ж = "zh", х = "kh") as the single letters English-style
// spellings of the same names use, so the two compare letter by letter.
var romanDigraphs = strings.NewReplacer("dzh", "j", "zh", "j", "kh", "h")

func digraphFold(w string) string {
	if !strings.Contains(w, "h") {
		return w
	}
	return romanDigraphs.Replace(w)
}

// maxSoundAlikes is the most list words a sound key may stand for and still
// be used: a key shared by more says too little.
const maxSoundAlikes = 64

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// osa is the optimal string alignment distance (Levenshtein plus adjacent
// transpositions) between a and b, giving up with maxD+1 once it must
// exceed maxD.
func osa(a, b string, maxD int) int {
	if len(a) > 63 || len(b) > 63 {
		if a == b {
			return 0
		}
		return maxD + 1
	}
	// Distances fit a byte: words are at most 63 bytes here.
	var rows [3][64]uint8
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = uint8(j)
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = uint8(i)
		best := cur[0]
		ai := a[i-1]
		for j := 1; j <= len(b); j++ {
			v := prev[j-1]
			if ai != b[j-1] {
				v = min(prev[j], cur[j-1], prev[j-1]) + 1
				if i > 1 && j > 1 && ai == b[j-2] && a[i-2] == b[j-1] {
					v = min(v, prev2[j-2]+1)
				}
			}
			cur[j] = v
			best = min(best, v)
		}
		if int(best) > maxD {
			return maxD + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return int(prev[len(b)])
}

type delPair struct {
	key  uint32
	term int32
}

// deletions appends the hashes of w and of every string made by deleting up
// to maxD of its letters. Two words within maxD edits (substitutions,
// insertions, deletions, adjacent transpositions) share at least one such
// string, whatever position the edits are at, including the first letter.
func deletions(w string, maxD int, out []uint32) []uint32 {
	var buf [64]byte
	if len(w) > len(buf) {
		return append(out, hashBytes([]byte(w)))
	}
	n := copy(buf[:], w)
	out = append(out, hashBytes(buf[:n]))
	return deleteFrom(buf[:n], 0, maxD, out)
}

func deleteFrom(b []byte, from, left int, out []uint32) []uint32 {
	if left == 0 || len(b) <= 2 {
		return out
	}
	var tmp [64]byte
	for i := from; i < len(b); i++ {
		if i > from && b[i] == b[i-1] {
			continue // deleting either of two equal neighbours gives the same string
		}
		n := copy(tmp[:], b[:i])
		n += copy(tmp[n:], b[i+1:])
		out = append(out, hashBytes(tmp[:n]))
		out = deleteFrom(tmp[:n], i, left-1, out)
	}
	return out
}

// hashBytes is 64-bit FNV-1a folded to 32 bits.
func hashBytes(b []byte) uint32 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return uint32(h ^ h>>32)
}

// findDeletion returns the first index of hash h in delKeys, or -1.
func (ix *Index) findDeletion(h uint32) int {
	if len(ix.slotKey) == 0 {
		return -1
	}
	mask := uint32(len(ix.slotKey) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch {
		case ix.slotAt[i] == 0:
			return -1
		case ix.slotKey[i] == h:
			return int(ix.slotAt[i]) - 1
		}
	}
}

// maxCachedWords bounds the word cache of an index.
const maxCachedWords = 1 << 17

type wordKey struct {
	word     string
	class    tokClass
	maxEdits int8
	sound    bool
}

// cachedLookup is lookup through the index's word cache. The returned slice
// is shared: callers must not modify it.
func (ix *Index) cachedLookup(w string, class tokClass, maxEdits int, sound bool, s *scratch) []match {
	if class != classWord || len(w) < 4 {
		// Such words are only looked up as written (see lookup): one map
		// lookup costs less than the cache, and numbers, of which a
		// register can hold one per supplier, stay out of it.
		if id, ok := ix.vocab[w]; ok {
			return ix.exact[id : id+1 : id+1]
		}
		return nil
	}
	k := wordKey{w, class, int8(maxEdits), sound}
	return ix.cachedWords(k, func() []match { return ix.lookup(w, class, maxEdits, sound, s, nil) })
}

// cachedWords returns the matches kept in the word cache under k, or
// computes them and keeps them while the cache has room. The cache is a
// map under a read lock: a sync.Map would box every key.
func (ix *Index) cachedWords(k wordKey, compute func() []match) []match {
	ix.wordsMu.RLock()
	m, ok := ix.words[k]
	ix.wordsMu.RUnlock()
	if ok {
		return m
	}
	m = compute()
	ix.wordsMu.Lock()
	if ix.words == nil {
		ix.words = map[wordKey][]match{}
	}
	if len(ix.words) < maxCachedWords {
		ix.words[k] = m
	}
	ix.wordsMu.Unlock()
	return m
}

// vowelless reports whether w has no vowel: a transliteration of a script
// that does not write short vowels.
func vowelless(w string) bool {
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			return false
		}
	}
	return len(w) >= 3
}

// skeleton is a word's consonants in order, repeats collapsed, without
// vowels and without w and y after the first letter (which Arabic script
// uses for long vowels).
func skeleton(w string) string {
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch c {
		case 'a', 'e', 'i', 'o', 'u':
			continue
		case 'w', 'y':
			if i > 0 {
				continue
			}
		}
		if len(b) > 0 && b[len(b)-1] == c {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}
