// Last line of defence: a screen that throws while rendering shows what happened in words, with a way back,
// instead of a blank page.
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main id="main" className="status error" role="alert">
        <h1>Something went wrong on this page</h1>
        <p>{this.state.error.message}</p>
        <p>
          <a href={location.pathname}>Reload the page</a> or <a href="/">go to the home page</a>.
        </p>
      </main>
    );
  }
}
