import type { AbortOptions, PairingHandler, Service } from "@atv/interface";

/**
 * A pairing handler whose real one is still being loaded (see lazyPlugin): pair() must
 * answer at once, while the protocol's code is imported on demand. begin() and finish()
 * wait for it and reject with whatever loading or creating it threw; a PIN given before
 * it is there is handed on as it arrives.
 */
export class DeferredPairingHandler implements PairingHandler {
  readonly service: Service;
  readonly #loading: Promise<PairingHandler>;
  readonly #deviceProvidesPin: boolean;
  #handler: PairingHandler | undefined;
  #pin: number | string | undefined;

  /** `deviceProvidesPin` answers until the real handler is there; it then answers itself. */
  constructor(loading: Promise<PairingHandler>, service: Service, deviceProvidesPin: boolean) {
    this.service = service;
    this.#deviceProvidesPin = deviceProvidesPin;
    this.#loading = loading.then((handler) => {
      this.#handler = handler;
      if (this.#pin !== undefined) handler.pin(this.#pin);
      return handler;
    });
    // Reported by begin() and finish(); a handler closed unused has nothing to report.
    this.#loading.catch(() => {});
  }

  get deviceProvidesPin(): boolean {
    return this.#handler?.deviceProvidesPin ?? this.#deviceProvidesPin;
  }

  get hasPaired(): boolean {
    return this.#handler?.hasPaired ?? false;
  }

  async begin(opts?: AbortOptions): Promise<void> {
    opts?.signal?.throwIfAborted();
    await (await this.#loading).begin(opts);
  }

  pin(code: number | string): void {
    if (this.#handler) this.#handler.pin(code);
    else this.#pin = code;
  }

  async finish(opts?: AbortOptions): Promise<void> {
    opts?.signal?.throwIfAborted();
    await (await this.#loading).finish(opts);
  }

  async close(opts?: AbortOptions): Promise<void> {
    let handler: PairingHandler;
    try {
      handler = await this.#loading;
    } catch {
      return;
    }
    await handler.close(opts);
  }
}
