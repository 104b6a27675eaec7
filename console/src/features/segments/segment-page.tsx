import type { PageProps } from '../../app/routes';

/** Placeholder while the page is being built. */
export default function Placeholder(_: PageProps): React.JSX.Element {
  return <div />;
}
