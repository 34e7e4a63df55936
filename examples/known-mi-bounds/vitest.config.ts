import { infomaxProject } from '../../vitest.shared';

export default infomaxProject('example-known-mi-bounds');
