import { Button } from 'antd';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Problem } from './problem';

/**
 * Catches a page that failed to render or whose code chunk failed to load (a deploy replaced the
 * files under a running tab), instead of a blank screen.
 */
export class ErrorBoundary extends Component<
  { children: ReactNode; title: string; chunkHint: string; reloadLabel: string },
  { error: unknown }
> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('console page failed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    const err = this.state.error;
    const text = err instanceof Error ? err.message : JSON.stringify(err);
    // Browsers word a failed dynamic import differently; all of them name the module.
    const chunk = /dynamically imported module|module script|Loading chunk/i.test(text);
    return (
      <Problem
        kind="error"
        title={this.props.title}
        detail={chunk ? `${this.props.chunkHint} (${text})` : text}
        extra={
          <Button type="primary" onClick={() => window.location.reload()}>
            {this.props.reloadLabel}
          </Button>
        }
      />
    );
  }
}
