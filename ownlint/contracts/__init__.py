"""Where contracts come from: rule packs (rules/*.toml, user packs), cffi cdefs and the guesses inferred from them.

Takes in: TOML files and C declarations. Hands on: Contracts (the merged table) and InferredContracts.
Never imports analysis/, run/ or report/: contracts say what C functions do, not how code is read.
"""
