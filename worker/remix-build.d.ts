// Type of the Remix server build (build/server/index.js), which exists only
// after `remix vite:build`. TypeScript does not read .js files here (no
// allowJs), so this pattern declaration types worker/remix.ts's import whether
// or not the build has run.
declare module '*/build/server/index.js' {
  import type { ServerBuild } from '@remix-run/cloudflare';

  export const mode: ServerBuild['mode'];
  export const entry: ServerBuild['entry'];
  export const routes: ServerBuild['routes'];
  export const assets: ServerBuild['assets'];
  export const basename: ServerBuild['basename'];
  export const publicPath: ServerBuild['publicPath'];
  export const assetsBuildDirectory: ServerBuild['assetsBuildDirectory'];
  export const future: ServerBuild['future'];
  export const isSpaMode: ServerBuild['isSpaMode'];
}
