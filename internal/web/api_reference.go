package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// The API reference is a page drawn on the server from the OpenAPI
// document the API serves, so it says what the document says and needs no
// script: operations grouped by capability, each with its parameters,
// body, answers and the token scope it needs, then every schema.

type refOperation struct {
	Anchor, Method, Path, Summary string
	Description                   []string // paragraphs
	Scope, Permission             string
	Params                        []refParam
	Body                          []refMedia
	Responses                     []refResponse
}

type refParam struct {
	Name, In, Type, Description string
	Required                    bool
}

type refMedia struct {
	Type, Schema, SchemaAnchor string
}

type refResponse struct {
	Status, Description string
	Media               []refMedia
}

type refTag struct {
	Name, Description, Anchor string
	Operations                []refOperation
}

type refSchema struct {
	Name, Anchor, Description string
	Fields                    []refParam
}

// referenceOf turns the document into the reference's view.
func referenceOf(doc []byte) ([]refTag, []refSchema, error) {
	var d struct {
		Tags []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"tags"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, nil, fmt.Errorf("api reference: %w", err)
	}
	byTag := map[string][]refOperation{}
	for path, item := range d.Paths {
		for method, op := range item {
			ro := refOperation{Method: strings.ToUpper(method), Path: path, Summary: str(op["summary"]),
				Anchor: "op-" + str(op["operationId"]), Permission: str(op["x-permission"])}
			for _, p := range strings.Split(str(op["description"]), "\n\n") {
				if p = strings.TrimSpace(p); p != "" {
					ro.Description = append(ro.Description, p)
				}
			}
			if sec, ok := op["security"].([]any); ok {
				for _, s := range sec {
					if m, ok := s.(map[string]any); ok {
						if scopes, ok := m["token"].([]any); ok && len(scopes) > 0 {
							ro.Scope = str(scopes[0])
						}
					}
				}
			}
			for _, p := range list(op["parameters"]) {
				pm, _ := p.(map[string]any)
				req, _ := pm["required"].(bool)
				ro.Params = append(ro.Params, refParam{Name: str(pm["name"]), In: str(pm["in"]), Type: typeOf(pm["schema"]),
					Description: str(pm["description"]), Required: req})
			}
			if rb, ok := op["requestBody"].(map[string]any); ok {
				ro.Body = mediaOf(rb["content"])
			}
			if rs, ok := op["responses"].(map[string]any); ok {
				for status, r := range rs {
					rm, _ := r.(map[string]any)
					resp := refResponse{Status: status, Description: str(rm["description"]), Media: mediaOf(rm["content"])}
					if ref := str(rm["$ref"]); ref != "" {
						name := ref[strings.LastIndexByte(ref, '/')+1:]
						resp.Description = "Problem details (" + name + ")"
						resp.Media = []refMedia{{Type: "application/problem+json", Schema: "Problem", SchemaAnchor: "schema-Problem"}}
					}
					ro.Responses = append(ro.Responses, resp)
				}
				sort.Slice(ro.Responses, func(i, j int) bool { return ro.Responses[i].Status < ro.Responses[j].Status })
			}
			tags := list(op["tags"])
			tag := "Other"
			if len(tags) > 0 {
				tag = str(tags[0])
			}
			byTag[tag] = append(byTag[tag], ro)
		}
	}
	var tags []refTag
	for _, t := range d.Tags {
		ops := byTag[t.Name]
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return methodRank(ops[i].Method) < methodRank(ops[j].Method)
		})
		tags = append(tags, refTag{Name: t.Name, Description: t.Description, Anchor: "tag-" + strings.ReplaceAll(strings.ToLower(t.Name), " ", "-"), Operations: ops})
	}
	var schemas []refSchema
	for name, s := range d.Components.Schemas {
		rs := refSchema{Name: name, Anchor: "schema-" + name, Description: str(s["description"])}
		required := map[string]bool{}
		for _, r := range list(s["required"]) {
			required[str(r)] = true
		}
		props, _ := s["properties"].(map[string]any)
		for field, p := range props {
			pm, _ := p.(map[string]any)
			rs.Fields = append(rs.Fields, refParam{Name: field, Type: typeOf(p), Description: str(pm["description"]), Required: required[field]})
		}
		sort.Slice(rs.Fields, func(i, j int) bool { return rs.Fields[i].Name < rs.Fields[j].Name })
		schemas = append(schemas, rs)
	}
	sort.Slice(schemas, func(i, j int) bool { return schemas[i].Name < schemas[j].Name })
	return tags, schemas, nil
}

func methodRank(m string) int {
	return strings.Index("GET POST PUT PATCH DELETE", m)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func mediaOf(content any) []refMedia {
	c, _ := content.(map[string]any)
	var out []refMedia
	for typ, m := range c {
		mm, _ := m.(map[string]any)
		rm := refMedia{Type: typ, Schema: typeOf(mm["schema"])}
		if name, ok := strings.CutPrefix(str(asMap(mm["schema"])["$ref"]), "#/components/schemas/"); ok {
			rm.SchemaAnchor = "schema-" + name
		}
		out = append(out, rm)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// typeOf writes a schema for people: a type name, "array of X", "X or
// null", a component's name, "one of ...", with allowed values.
func typeOf(v any) string {
	s := asMap(v)
	if s == nil {
		return "any"
	}
	if ref := str(s["$ref"]); ref != "" {
		return ref[strings.LastIndexByte(ref, '/')+1:]
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if alts := list(s[k]); len(alts) > 0 {
			var names []string
			for _, a := range alts {
				names = append(names, typeOf(a))
			}
			return strings.Join(names, " or ")
		}
	}
	var t string
	switch typ := s["type"].(type) {
	case string:
		t = typ
	case []any:
		var parts []string
		for _, p := range typ {
			parts = append(parts, str(p))
		}
		t = strings.Join(parts, " or ")
	default:
		t = "any"
	}
	if strings.HasPrefix(t, "array") {
		t = "array of " + typeOf(s["items"]) + strings.TrimPrefix(t, "array")
	}
	if f := str(s["format"]); f != "" {
		t += " (" + f + ")"
	}
	if enum := list(s["enum"]); len(enum) > 0 {
		var vals []string
		for _, e := range enum {
			if es := fmt.Sprint(e); es != "" {
				vals = append(vals, es)
			}
		}
		t += ": " + strings.Join(vals, ", ")
	}
	if min, ok := s["minimum"].(float64); ok {
		t += fmt.Sprintf(", at least %g", min)
	}
	if max, ok := s["maximum"].(float64); ok {
		t += fmt.Sprintf(", at most %g", max)
	}
	return t
}

// apiReference serves the reference page; anyone may read it, as the
// document.
func (s *Server) apiReference(w http.ResponseWriter, r *http.Request) {
	doc, err := s.openAPI()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tags, schemas, err := referenceOf(doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ops := 0
	for _, t := range tags {
		ops += len(t.Operations)
	}
	s.render(w, r, http.StatusOK, "api_reference.html", map[string]any{"Tags": tags, "Schemas": schemas, "Operations": ops})
}
