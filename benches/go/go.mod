module github.com/pnng/pnng/benches/go

go 1.19

require github.com/pnng/pnng/bindings/go v0.0.0

// The in-tree binding; no module proxy is needed (and mangos v3 cannot be fetched here).
replace github.com/pnng/pnng/bindings/go => ../../bindings/go
