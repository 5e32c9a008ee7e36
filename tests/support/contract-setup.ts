// vitest setup file (every test file): check every REST answer against its OpenAPI document
// (tests/support/contract.ts) and fail the test during which an answer broke the contract.
import { afterAll, afterEach, expect } from 'vitest';
import { checkEveryAnswer, takeViolations } from './contract.js';

checkEveryAnswer();

const failOnViolations = () => {
  const found = takeViolations();
  expect(found, 'answers that break the OpenAPI contract').toEqual([]);
};
afterEach(failOnViolations);
afterAll(failOnViolations);
