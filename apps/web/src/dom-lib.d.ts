// The page runs in a browser; the rest of the repo type-checks for Node (tsconfig lib ES2023).
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
