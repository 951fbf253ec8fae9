// Svelte's options, read by the Vite plugin and by svelte-check.
export default {
  compilerOptions: {
    // Runes everywhere (Svelte 5's reactivity), no legacy component syntax.
    runes: true,
  },
};
