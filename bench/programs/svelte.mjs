// svelte 5 compiler (compiler-sized codebase: ~230 ESM modules in src/compiler, plus acorn, esrap,
// zimmerframe, magic-string...): compile generated components (runes, each blocks, snippets, styles) for
// the client and the server; checksum over the generated JS and CSS.
import { compile } from 'svelte/compiler';
import { hash, report } from './common.mjs';

function component(i) {
  const fields = Array.from({ length: 12 }, (_, k) => `f${k}`);
  return `<script>
  let { items = [], title = 'List ${i}' } = $props();
  let filter = $state('');
  let selected = $state(null);
  const visible = $derived(items.filter((it) => it.name.includes(filter)));
  ${fields.map((f, k) => `let ${f} = $state(${k});`).join('\n  ')}
  function pick(it) { selected = it; ${fields.map((f) => `${f}++;`).join(' ')} }
  $effect(() => { if (selected) console.log(selected.name, ${fields.join(' + ')}); });
</script>

{#snippet row(it, idx)}
  <tr class:selected={it === selected} onclick={() => pick(it)}>
    <td>{idx}</td><td>{it.name}</td><td>{it.value.toFixed(2)}</td>
    ${fields.map((f) => `<td title="${f}">{${f} * it.value}</td>`).join('\n    ')}
  </tr>
{/snippet}

<h2>{title} ({visible.length})</h2>
<input bind:value={filter} placeholder="filter" />
{#if visible.length === 0}
  <p>No items</p>
{:else}
  <table>
    <tbody>
      {#each visible as it, idx (it.id)}
        {@render row(it, idx)}
      {/each}
    </tbody>
  </table>
{/if}

<style>
  h2 { font-size: 1.2em; color: #333; }
  tr.selected { background: #eef; }
  td { padding: 2px 4px; border-bottom: 1px solid #ddd; }
  input { margin: 4px 0; }
</style>
`;
}

const sources = Array.from({ length: 40 }, (_, i) => component(i));
const ROUNDS = Number(process.env.ROUNDS || 4);
await report(() => {
  const h = hash();
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, src] of sources.entries()) {
      for (const generate of ['client', 'server']) {
        const out = compile(src, { filename: `C${i}.svelte`, generate, dev: false });
        h.update(out.js.code).update(out.css?.code ?? '');
      }
    }
  }
  return h.digest('hex');
});
