// The burgerservicenummer: nine digits that pass the "elfproef" (11-test).
export function isValidBsn(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(value[i]) * (9 - i);
  sum -= Number(value[8]);
  return sum % 11 === 0 && value !== '000000000';
}
