// The jurig demo: a song that keeps singing. Run `npm start`, then edit this file and save:
// change a verse, the bottle count phrasing, the singer's style or the tempo, and hear it
// change at the next line, without a restart (the count goes on where it was).

type Style = 'plain' | 'shout';

export class Singer {
  constructor(private readonly style: Style) {}

  sing(line: string): string {
    return this.style === 'shout' ? line.toUpperCase() + '!' : line;
  }
}

export function bottles(n: number): string {
  if (n === 0) return 'no more bottles';
  return n === 1 ? '1 bottle' : `${n} bottles`;
}

export function verse(n: number): string {
  return `${bottles(n)} of lemonade on the wall, take one down, pass it around...`;
}

// a closure made once at start: edit its body and the running one changes too
function makeTempo(beatsPerMinute: number) {
  return () => Math.round(60_000 / beatsPerMinute);
}

const singer = new Singer('plain');
const tempo = makeTempo(90);
let count = 99;

function tick(): void {
  console.log(singer.sing(verse(count)));
  count = count > 0 ? count - 1 : 99;
  setTimeout(tick, tempo());
}

tick();
