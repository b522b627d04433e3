// Generations that go on after Continue Writing's command has returned: the alternatives still being
// gathered once the first is in the document, and those asked for later (Retry, cycling past the last).
// "Inkwell: Stop" and Escape reach them as they reach the first: while any runs, the status item says
// so and `inkwell.generating` stays set (Escape's key binding depends on it).
import { GenerationStatus } from './generationStatus';

export class LaterRuns {
  private readonly controllers = new Set<AbortController>();

  constructor(private readonly status: GenerationStatus) {}

  /** `work` runs until it ends or `controller` stops it; `what` is shown meanwhile, `summary()` after. */
  follow(controller: AbortController, work: Promise<unknown>, what: string, summary: () => string): void {
    this.controllers.add(controller);
    this.status.alsoWriting(what);
    const ended = () => {
      this.controllers.delete(controller);
      this.status.end(summary());
    };
    void work.then(ended, ended);
  }

  /** Aborts every one still running; returns how many there were. */
  stopAll(): number {
    const count = this.controllers.size;
    for (const controller of this.controllers) controller.abort();
    return count;
  }
}
