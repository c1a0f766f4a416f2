package web

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"time"
	"unicode"
)

// schemaSet turns the Go types the API reads and writes into JSON Schema
// (draft 2020-12, as OpenAPI 3.1 uses it), so that the document says what
// the handlers really encode: a field renamed in Go is renamed in the
// document, and the schema tests catch a handler that drifts from it.
//
// Rules, following encoding/json:
//   - a struct is an object of its exported fields under their json names;
//     embedded structs without a name are flattened into it;
//   - a field without omitempty or omitzero is always written, so it is
//     required; the object admits no other properties;
//   - a pointer may be null; a slice is an array, and may also be null when
//     it belongs to a type outside this package (the capability packages do
//     not promise an empty list), while the API's own views always write [];
//   - time.Time is an RFC 3339 string, a TextMarshaler a string;
//   - a type with its own JSON encoding needs an entry in overrides.
type schemaSet struct {
	defs      map[string]any
	names     map[reflect.Type]string
	overrides map[reflect.Type]map[string]any
	// descriptions of named types and of fields ("Type.field"), for the
	// reference.
	descriptions map[string]string
}

func newSchemaSet() *schemaSet {
	return &schemaSet{defs: map[string]any{}, names: map[reflect.Type]string{},
		overrides: map[reflect.Type]map[string]any{}, descriptions: map[string]string{}}
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	webPackage        = reflect.TypeFor[route]().PkgPath()
)

// ref returns the schema of v's type: a reference to a component for a
// named struct, the schema itself otherwise.
func (ss *schemaSet) ref(v any) map[string]any {
	return ss.of(reflect.TypeOf(v), false)
}

// schemaName is the component name of a named type: supplierJSON becomes
// Supplier, impact.Programme Programme (or ImpactProgramme when another
// type took the short name).
func (ss *schemaSet) schemaName(t reflect.Type) string {
	if n, ok := ss.names[t]; ok {
		return n
	}
	base := strings.TrimSuffix(t.Name(), "JSON")
	if i := strings.IndexByte(base, '['); i >= 0 { // generic instance
		base = base[:i]
	}
	base = upperFirst(base)
	name := base
	for taken := true; taken; {
		taken = false
		for other, n := range ss.names {
			if n == name && other != t {
				taken = true
			}
		}
		if taken {
			pkg := t.PkgPath()
			name = upperFirst(pkg[strings.LastIndexByte(pkg, '/')+1:]) + name
		}
	}
	ss.names[t] = name
	return name
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// of returns the schema of t; nullSlices says whether a slice directly
// inside may be null.
func (ss *schemaSet) of(t reflect.Type, nullSlices bool) map[string]any {
	if o, ok := ss.overrides[t]; ok {
		return o
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawMessageType:
		return map[string]any{}
	case t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && t.Implements(textMarshalerType):
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Struct && t.Implements(jsonMarshalerType):
		panic("openapi: " + t.String() + " encodes itself; give its schema in the overrides")
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32:
		return map[string]any{"type": "number", "format": "float"}
	case reflect.Float64:
		// The format tells generated clients to decode into a 64-bit
		// float, as the server encodes (the default of some is 32 bits).
		return map[string]any{"type": "number", "format": "double"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Pointer:
		return nullable(ss.of(t.Elem(), nullSlices))
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		arr := map[string]any{"type": "array", "items": ss.of(t.Elem(), nullSlices)}
		if nullSlices && t.Kind() == reflect.Slice {
			return nullable(arr)
		}
		return arr
	case reflect.Map:
		m := map[string]any{"type": "object", "additionalProperties": ss.of(t.Elem(), nullSlices)}
		if nullSlices {
			return nullable(m)
		}
		return m
	case reflect.Struct:
		if t.Name() == "" {
			return ss.object(t)
		}
		name := ss.schemaName(t)
		if _, done := ss.defs[name]; !done {
			ss.defs[name] = map[string]any{} // placeholder: recursive types
			obj := ss.object(t)
			if d := ss.descriptions[name]; d != "" {
				obj["description"] = d
			}
			ss.defs[name] = obj
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	panic("openapi: no schema for " + t.String())
}

// nullable lets s also be null.
func nullable(s map[string]any) map[string]any {
	if typ, ok := s["type"].(string); ok && len(s) <= 3 {
		out := map[string]any{}
		for k, v := range s {
			out[k] = v
		}
		out["type"] = []string{typ, "null"}
		return out
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

// object is the schema of a struct's fields.
func (ss *schemaSet) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	ss.fields(t, t, props, &required)
	obj := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		obj["required"] = required
	}
	return obj
}

func (ss *schemaSet) fields(owner, t reflect.Type, props map[string]any, required *[]string) {
	nullSlices := t.PkgPath() != webPackage
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				ss.fields(owner, ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := ss.of(f.Type, nullSlices)
		if d := ss.descriptions[ss.names[owner]+"."+name]; d != "" {
			s = withDescription(s, d)
		}
		props[name] = s
		optional := false
		for _, o := range strings.Split(opts, ",") {
			if o == "omitempty" || o == "omitzero" {
				optional = true
			}
		}
		if !optional {
			*required = append(*required, name)
		}
	}
}

// withDescription returns s described; a reference is wrapped, since
// siblings of $ref describe the use, not the target.
func withDescription(s map[string]any, d string) map[string]any {
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	out["description"] = d
	return out
}
