# NNG as pristine upstream plus pnng's patch series (vendor/README.md).
#   make check-nng-patches   vendor/nng-sys/nng must be NNG 1.12.0 + vendor/nng-patches, byte for byte

.PHONY: check-nng-patches
check-nng-patches:
	bash scripts/check-nng-patches.sh
