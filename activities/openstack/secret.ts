import { inspect } from 'node:util';

/**
 * A string that does not print: String(), JSON.stringify and console.log all show `[redacted]`, so a
 * credentials object that ends up in a log or an error message cannot leak its password or token.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}
