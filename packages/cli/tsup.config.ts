import { packageBuild } from '../../tsup.shared';

// One Node entry (the CLI needs the filesystem throughout) plus the executable.
export default packageBuild(['src/index.ts', 'src/bin.ts']);
