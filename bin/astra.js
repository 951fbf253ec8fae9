#!/usr/bin/env node
// The `astra` command: runs the bundled CLI (built by `npm install` / `npm run build`).
import '../dist/main.js';
