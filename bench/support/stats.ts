// The one median every bench script quotes (the middle value; the mean of the two middle ones for
// an even count), so figures from different scripts are computed alike.
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
