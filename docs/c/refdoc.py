#!/usr/bin/env python3
"""Reads Doxygen's XML for include/pnng.h.

  refdoc.py check XML_DIR HEADER        fails unless every exported function has a description,
                                        every parameter a description, a non-void function its
                                        return value, every function and type a group
  refdoc.py man XML_DIR OUT_DIR VERSION [HEADER]
                                        writes OUT_DIR/man3/<name>.3 for every function and type,
                                        and pnng.3 (the overview, by group); with HEADER, fails
                                        unless every function and type of it has a page
"""

import os
import re
import sys
import xml.etree.ElementTree as ET


def load(xml_dir):
    """Returns (groups, members): groups in definition order as (name, title, brief, [members]);
    members by name: dict(kind, name, type, args, params, brief, detail, returns, retvals, group,
    fields)."""
    index = ET.parse(os.path.join(xml_dir, "index.xml")).getroot()
    groups, members = [], {}
    for comp in index.findall("compound"):
        if comp.get("kind") != "group":
            continue
        root = ET.parse(os.path.join(xml_dir, comp.get("refid") + ".xml")).getroot()
        cd = root.find("compounddef")
        gname = cd.findtext("compoundname")
        entry = (gname, cd.findtext("title"), text(cd.find("briefdescription")), [])
        groups.append(entry)
        for inner in cd.findall("innerclass"):
            sroot = ET.parse(os.path.join(xml_dir, inner.get("refid") + ".xml")).getroot()
            scd = sroot.find("compounddef")
            name = scd.findtext("compoundname")
            fields = []
            for m in scd.iter("memberdef"):
                if m.get("kind") == "variable":
                    fields.append((m.findtext("type") if m.find("type") is not None else "",
                                   flat(m.find("type")), m.findtext("name"),
                                   flat(m.find("argsstring")), text(m.find("briefdescription"))))
            members[name] = dict(kind="struct", name=name, group=gname, fields=fields,
                                 brief=text(scd.find("briefdescription")),
                                 detail=paras(scd.find("detaileddescription")), params=[],
                                 returns="", retvals=[], type="", args="", pdoc={})
            entry[3].append(name)
        for m in cd.iter("memberdef"):
            d = member(m)
            d["group"] = gname
            if d["name"] in members and members[d["name"]]["kind"] == "struct":
                continue  # the typedef of a struct of the same name: one page, the struct's
            members[d["name"]] = d
            if d["name"] not in entry[3]:
                entry[3].append(d["name"])
    # Members outside any group (listed in the file compound).
    for comp in index.findall("compound"):
        if comp.get("kind") == "file" and comp.findtext("name") == "pnng.h":
            root = ET.parse(os.path.join(xml_dir, comp.get("refid") + ".xml")).getroot()
            for m in root.iter("memberdef"):
                d = member(m)
                if d["name"] not in members:
                    d["group"] = None
                    members[d["name"]] = d
    return groups, members


def member(m):
    params = [(flat(p.find("type")), p.findtext("declname") or "") for p in m.findall("param")]
    detail = m.find("detaileddescription")
    pdoc, retvals, returns = {}, [], ""
    for pl in detail.iter("parameterlist"):
        for item in pl.findall("parameteritem"):
            names = [flat(n) for n in item.iter("parametername")]
            desc = text(item.find("parameterdescription"))
            for n in names:
                if pl.get("kind") == "param":
                    pdoc[n] = desc
                elif pl.get("kind") == "retval":
                    retvals.append((n, desc))
    for ss in detail.iter("simplesect"):
        if ss.get("kind") == "return":
            returns = text(ss)
    return dict(kind=m.get("kind"), name=m.findtext("name"), type=flat(m.find("type")),
                args=flat(m.find("argsstring")), params=params, pdoc=pdoc, retvals=retvals,
                returns=returns, brief=text(m.find("briefdescription")), detail=paras(detail),
                initializer=flat(m.find("initializer")), fields=[])


def flat(e):
    """All text under e, as one line."""
    if e is None:
        return ""
    return re.sub(r" \*(?=\s|$)", "*", " ".join("".join(e.itertext()).split()))


def text(e, code=None):
    """Text under e, skipping parameter lists and return sections; code spans as code(s)."""
    if e is None:
        return ""
    out = []

    def walk(n):
        if n.tag in ("parameterlist", "simplesect") and n is not e:
            return
        if n.tag == "computeroutput" and code:
            out.append(code(flat(n)))
        else:
            out.append(n.text or "")
            for c in n:
                walk(c)
                out.append(c.tail or "")
            return
        # tail handled by parent
    walk(e)
    return " ".join("".join(out).split())


def paras(detail):
    """The detailed description's paragraphs (without parameters and returns), as XML nodes."""
    if detail is None:
        return []
    return [p for p in detail.findall("para") if text(p)]


# ---------------------------------------------------------------- check

def check(xml_dir, header):
    groups, members = load(xml_dir)
    hdr = open(header).read()
    exported = re.findall(r"^[A-Za-z_][\w \*]*?\b(pnng_\w+)\(", hdr, re.M)
    problems = []
    seen = set()
    for name in exported:
        seen.add(name)
        m = members.get(name)
        if m is None or m["kind"] != "function":
            problems.append(f"{name}: not found by Doxygen")
            continue
        if not m["brief"] and not m["detail"]:
            problems.append(f"{name}: no description")
        for _, pname in m["params"]:
            if pname and not m["pdoc"].get(pname):
                problems.append(f"{name}: parameter '{pname}' is not documented")
        for pname in m["pdoc"]:
            if pname not in [p for _, p in m["params"]]:
                problems.append(f"{name}: documents '{pname}', which it does not have")
        if m["type"] != "void" and not (m["returns"] or m["retvals"]):
            problems.append(f"{name}: return value ({m['type']}) not documented")
        if m["type"] == "pnng_result" and not m["retvals"]:
            problems.append(f"{name}: no error codes listed (@retval)")
        if not m["group"]:
            problems.append(f"{name}: in no group (@ingroup)")
    types = re.findall(r"^typedef .*?\b(pnng_\w+)[;)]", hdr, re.M)
    types += re.findall(r"^typedef struct (pnng_\w+) \{", hdr, re.M)
    for name in sorted(set(types)):
        m = members.get(name)
        if m is None:
            problems.append(f"type {name}: not found by Doxygen")
        elif not m["brief"] and not m["detail"]:
            problems.append(f"type {name}: no description")
        elif not m["group"]:
            problems.append(f"type {name}: in no group (@ingroup)")
    for p in problems:
        print("check-doc:", p, file=sys.stderr)
    n_types = len(set(types))
    if problems:
        print(f"check-doc: {len(problems)} problems", file=sys.stderr)
        return 1
    print(f"check-doc: {len(seen)} functions and {n_types} types documented "
          f"(description, every parameter, return value, group)")
    return 0


# ---------------------------------------------------------------- man pages

def cdecl(t, n):
    """`type name` in C spelling: `void *buf`, `struct pnng_msg **msg_out`."""
    stars = len(t) - len(t.rstrip("*"))
    return f"{t.rstrip('*')} {'*' * stars}{n}".strip()


def roff(s):
    s = s.replace("\\", "\\e")
    s = re.sub(r"^([.'])", r"\\&\1", s, flags=re.M)
    return s


def rtext(e):
    return roff(text(e, code=lambda s: "\x01" + s + "\x02")).replace("\x01", "\\fB").replace(
        "\x02", "\\fR")


def page(out_dir, name, version, title_group, body):
    path = os.path.join(out_dir, "man3", name + ".3")
    with open(path, "w") as f:
        f.write(f'.TH {name} 3 "" "pnng {version}" "pnng C API"\n')
        f.write(body)


def refs(m, members):
    """Names mentioned in the description that have their own page."""
    alltext = " ".join([m["brief"]] + [text(p) for p in m["detail"]] + [m["returns"]] +
                       [d for _, d in m["retvals"]] + list(m["pdoc"].values()))
    names = []
    for n in re.findall(r"\bpnng_\w+", alltext):
        if n in members and n != m["name"] and n not in names:
            names.append(n)
    return names


GROUP_TYPE = {"protocols": "pnng_socket", "socket": "pnng_socket", "dialer": "pnng_dialer",
              "listener": "pnng_listener", "pipe": "pnng_pipe", "ctx": "pnng_ctx",
              "msg": "pnng_msg", "tls": "pnng_tls_config", "sockaddr": "pnng_sockaddr",
              "aio": "pnng_aio", "cq": "pnng_cq", "stats": "pnng_stats", "errors": "pnng_result"}


def man(xml_dir, out_dir, version, header=None):
    groups, members = load(xml_dir)
    os.makedirs(os.path.join(out_dir, "man3"), exist_ok=True)
    for old in os.listdir(os.path.join(out_dir, "man3")):
        os.remove(os.path.join(out_dir, "man3", old))
    count = 0
    titles = {g[0]: g[1] for g in groups}
    for gname, gtitle, gbrief, names in groups:
        for name in names:
            m = members[name]
            if m["kind"] not in ("function", "struct", "typedef"):
                continue
            b = [".SH NAME", f"{name} \\- {roff(m['brief']) or roff(gtitle)}", ".SH SYNOPSIS",
                 ".nf", "\\fB#include <pnng.h>\\fR", ""]
            if m["kind"] == "function":
                args = ", ".join(cdecl(t, n) for t, n in m["params"]) or "void"
                b.append(roff(f"{m['type']} {name}({args});"))
            elif m["kind"] == "struct":
                b.append(f"typedef struct {name} {{")
                for _, ftype, fname, fargs, _ in m["fields"]:
                    b.append(roff(f"    {ftype} {fname}{fargs};"))
                b.append(f"}} {name};")
            else:
                decl = f"typedef {m['type']} {name}{m['args']};".replace("(* ", "(*")
                b.append(roff(re.sub(r"(\w)\(\*", r"\1 (*", decl)))
            b += [".fi", ".SH DESCRIPTION", roff(m["brief"])]
            for p in m["detail"]:
                b += [".PP", rtext(p)]
            if m["kind"] == "struct" and any(f[4] for f in m["fields"]):
                b.append(".SH FIELDS")
                for _, ftype, fname, _, fdesc in m["fields"]:
                    b += [".TP", f"\\fB{fname}\\fR", roff(fdesc)]
            if m["params"] and m["kind"] == "function":
                b.append(".SH PARAMETERS")
                for _, pname in m["params"]:
                    b += [".TP", f"\\fI{pname}\\fR", roff(m["pdoc"].get(pname, ""))]
            if m["returns"] or m["retvals"]:
                b.append(".SH RETURN VALUE")
                if m["returns"]:
                    b.append(roff(m["returns"]))
                for code, desc in m["retvals"]:
                    b += [".TP", f"\\fB{code}\\fR", roff(desc)]
            see = refs(m, members)
            home = GROUP_TYPE.get(gname)
            if home and home != name and home not in see:
                see.insert(0, home)
            b += [".SH SEE ALSO", ",\n".join(f".BR {n} (3)" for n in see + ["pnng"])]
            page(out_dir, name, version, titles.get(gname, ""), "\n".join(b) + "\n")
            count += 1
    # Overview: pnng(3).
    b = [".SH NAME", "pnng \\- pynng's object model as a C library over NNG", ".SH SYNOPSIS",
         ".nf", "\\fB#include <pnng.h>\\fR", "cc app.c $(pkg-config \\-\\-cflags \\-\\-libs pnng)",
         ".fi", ".SH DESCRIPTION",
         "Every function that can fail returns \\fBpnng_result\\fR: 0 (\\fBPNNG_OK\\fR) or an "
         "error code equal to NNG's; \\fBpnng_strerror\\fR(3) describes it. Outputs come last, "
         "are named \\fI*_out\\fR and are written only on success. A NULL pointer where one is "
         "required gives \\fBPNNG_EINVAL\\fR.",
         "Each function and type below has its own page."]
    for gname, gtitle, gbrief, names in groups:
        b += [".SS " + roff(gtitle), roff(gbrief), ".PP", ".nf"]
        b += [n for n in names if members[n]["kind"] in ("function", "struct", "typedef")]
        b.append(".fi")
    page(out_dir, "pnng", version, "", "\n".join(b) + "\n")
    if header:  # every exported function and type has its page
        hdr = open(header).read()
        names = re.findall(r"^[A-Za-z_][\w \*]*?\b(pnng_\w+)\(", hdr, re.M)
        names += re.findall(r"^typedef .*?\b(pnng_\w+)[;)]", hdr, re.M)
        missing = [n for n in names if not os.path.exists(os.path.join(out_dir, "man3", n + ".3"))]
        if missing:
            print("man: no page for " + " ".join(missing), file=sys.stderr)
            return 1
    print(f"man: {count + 1} pages in {os.path.join(out_dir, 'man3')}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    if len(sys.argv) in (5, 6) and sys.argv[1] == "man":
        sys.exit(man(*sys.argv[2:]))
    sys.exit(__doc__)
