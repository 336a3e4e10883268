/** Recipient local parts: name-shaped for consumers, some role accounts for business domains. */
import { type Rng, anyOf } from './prng.js';

const FIRST = [
  'james',
  'mary',
  'john',
  'linda',
  'michael',
  'sarah',
  'david',
  'emma',
  'robert',
  'olivia',
  'daniel',
  'sophie',
  'thomas',
  'laura',
  'lucas',
  'julia',
  'kevin',
  'nicole',
  'marc',
  'camille',
  'jan',
  'anna',
  'paolo',
  'giulia',
  'pierre',
  'claire',
  'stefan',
  'katrin',
  'carlos',
  'maria',
  'ahmed',
  'fatima',
  'wei',
  'mei',
  'raj',
  'priya',
  'tom',
  'kate',
  'alex',
  'sam',
  'chris',
  'jordan',
  'taylor',
  'morgan',
  'luca',
  'elena',
  'noah',
  'mia',
];
const LAST = [
  'smith',
  'johnson',
  'williams',
  'brown',
  'jones',
  'miller',
  'davis',
  'garcia',
  'wilson',
  'martin',
  'thompson',
  'moore',
  'taylor',
  'anderson',
  'clark',
  'lewis',
  'walker',
  'young',
  'hall',
  'allen',
  'dubois',
  'moreau',
  'laurent',
  'bernard',
  'muller',
  'schmidt',
  'schneider',
  'fischer',
  'weber',
  'wagner',
  'rossi',
  'russo',
  'ferrari',
  'esposito',
  'bianchi',
  'nguyen',
  'kim',
  'patel',
  'singh',
  'cohen',
  'murphy',
  'kelly',
  'obrien',
];
const ROLES = ['info', 'contact', 'sales', 'office', 'accounts', 'hello', 'admin', 'support', 'kontakt', 'bureau'];

function num(rng: Rng): string {
  return rng.digits(rng.range(1, 4));
}

export function personLocal(rng: Rng): string {
  const f = anyOf(FIRST, rng);
  const l = anyOf(LAST, rng);
  const u = rng.int(100);
  if (u < 30) return `${f}.${l}`;
  if (u < 50) return `${f}${l}${num(rng)}`;
  if (u < 65) return `${f[0]}${l}${num(rng)}`;
  if (u < 75) return `${f}_${l}`;
  if (u < 90) return `${f}${rng.range(1950, 2008)}`;
  return `${l}.${f}`;
}

export function businessLocal(rng: Rng): string {
  return rng.chance(0.25) ? anyOf(ROLES, rng) : `${anyOf(FIRST, rng)}.${anyOf(LAST, rng)}`;
}
