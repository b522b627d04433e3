// The chat panel's model menu: the active provider's model ids once listed (from the one model-list
// cache, through ChatProviders), or why they could not be listed. A list that arrives for a provider
// that is no longer active, or after a newer request, is dropped.
import type { PanelConfig } from '../protocol/chatProtocol';
import type { ChatProviders } from './chatPorts';

interface MenuState {
  providerId: string;
  list?: string[];
  error?: string;
}

export class ModelMenu {
  private state: MenuState | undefined;

  constructor(
    private readonly providers: ChatProviders,
    private readonly describeError: (error: unknown) => string,
    /** The list (or its error) arrived: the config should be posted again. */
    private readonly onLoaded: () => void,
  ) {}

  /** The providers or a key changed, or the writer asked for a fresh list. */
  forget(): void {
    this.state = undefined;
  }

  /** Model ids listed for `providerId`, if that is what the menu holds. */
  listed(providerId: string): string[] | undefined {
    return this.state?.providerId === providerId ? this.state.list : undefined;
  }

  /** Puts what the menu holds for `providerId` into `config`. */
  fill(config: PanelConfig, providerId: string): void {
    if (this.state?.providerId !== providerId) return;
    if (this.state.list) config.models = this.state.list;
    if (this.state.error) config.modelsError = this.state.error;
  }

  /** Starts listing `providerId`'s models unless the menu already holds them (or `refresh`). */
  load(providerId: string, refresh: boolean): void {
    if (this.state?.providerId === providerId && !refresh) return;
    const state: MenuState = { providerId };
    this.state = state;
    this.providers.listModels(providerId, refresh).then(
      (list) => {
        if (this.state !== state) return;
        state.list = list;
        this.onLoaded();
      },
      (error: unknown) => {
        if (this.state !== state) return;
        state.error = this.describeError(error);
        this.onLoaded();
      },
    );
  }
}
