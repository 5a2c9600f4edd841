/**
 * The word-count text (issue 12), the same in every executor and on every attempt: line `t`
 * is WORDS_MIN-WORDS_MAX words drawn by a seeded PRNG from a vocabulary of `n` made-up words
 * (`word(k)`), Zipf-distributed with exponent WORD_SKEW (word 0 the commonest), written as
 * prose: a capital at the start of each sentence and on a few other words, commas and full
 * stops. `tokenize` splits a line back into its lowercase words. Pure functions of their
 * arguments with memoised tables only: task modules and the lock workers import this file.
 */
import { prng, zipfCdf, zipfIndex } from './kernels.js';

/** Fewest words on a line. */
export const WORDS_MIN = 10;
/** Most words on a line. */
export const WORDS_MAX = 20;
/** Zipf exponent of the words (word 0 the commonest, as in natural text). */
export const WORD_SKEW = 1;

/** Consonant-vowel syllables: the digits of a word. Each is two letters, so a word splits into them one way only. */
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'ta',
  'si',
  'po',
  'de',
  'fa',
  'gu',
  'hi',
  'ja',
  'ko',
  'le',
  'ma',
  'no',
  'pi',
  're',
  'su',
];
const BASE = SYLLABLES.length;
const DIGIT = new Map(SYLLABLES.map((s, d) => [s, d + 1]));

/** Words built so far, by index (per thread). */
const words: string[] = [];

/**
 * Word `k` of the vocabulary: k + 1 written in bijective base 20 with syllables as digits
 * (`ka`, `lo`, ..., then `kaka`, `kalo`, ...): distinct for distinct k, short words commonest.
 */
export function word(k: number): string {
  let w = words[k];
  if (w === undefined) {
    w = '';
    for (let v = k + 1; v > 0; v = Math.floor((v - 1) / BASE)) w = SYLLABLES[(v - 1) % BASE]! + w;
    words[k] = w;
  }
  return w;
}

/** The index of lowercase vocabulary word `w` (the inverse of `word`). */
export function wordIndex(w: string): number {
  let v = 0;
  for (let i = 0; i < w.length; i += 2) v = v * BASE + DIGIT.get(w.slice(i, i + 2))!;
  return v - 1;
}

/** Zipf tables of the vocabulary, by its size: built once per thread. */
const cdfs = new Map<number, Float64Array>();

/** Line `t` of the text over a vocabulary of `n` words, e.g. `Ka lo, mi kaka. Lo ne ka.` */
export function wordLine(t: number, n: number): string {
  let cdf = cdfs.get(n);
  if (cdf === undefined) cdfs.set(n, (cdf = zipfCdf(n, WORD_SKEW)));
  const next = prng(Math.imul(t + 1, 0x85ebca6b) ^ 0x1b873593);
  const count = WORDS_MIN + Math.floor(next() * (WORDS_MAX - WORDS_MIN + 1));
  let line = '';
  let capital = true;
  for (let j = 0; j < count; j++) {
    let w = word(zipfIndex(cdf, next()));
    if (capital || next() < 0.05) w = w[0]!.toUpperCase() + w.slice(1);
    const mark = next();
    capital = j === count - 1 || mark < 0.08;
    line += (j === 0 ? '' : ' ') + w + (capital ? '.' : mark < 0.16 ? ',' : '');
  }
  return line;
}

/** The words of `line`: runs of ASCII letters, lowercased. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) | 0x20 : 0; // | 0x20: ASCII lowercase
    const letter = c >= 97 && c <= 122;
    if (letter && start < 0) start = i;
    else if (!letter && start >= 0) {
      out.push(line.slice(start, i).toLowerCase());
      start = -1;
    }
  }
  return out;
}
