module github.com/pnng/pnng/benches/go

go 1.19

require github.com/pnng/pnng/bindings/go v0.0.0

// The binding in this repository.
replace github.com/pnng/pnng/bindings/go => ../../bindings/go
