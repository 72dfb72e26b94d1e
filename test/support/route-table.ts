import 'reflect-metadata';
import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';

/**
 * Every HTTP route an app registers, read from the same Nest metadata the router reads
 * (module imports, controllers, their paths and methods), without booting the app.
 */
export interface Route {
  readonly method: string;
  readonly path: string;
  readonly controller: string;
}

type ModuleRef = Type | DynamicModule | Promise<DynamicModule>;

function isDynamic(value: unknown): value is DynamicModule {
  return typeof value === 'object' && value !== null && 'module' in value;
}

function joinPath(...parts: (string | undefined)[]): string {
  const joined = parts
    .filter((part): part is string => part !== undefined && part !== '' && part !== '/')
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .join('/');
  return `/${joined}`;
}

function pathsOf(metadata: unknown): string[] {
  if (Array.isArray(metadata)) return metadata as string[];
  return [typeof metadata === 'string' ? metadata : '/'];
}

export function routesOf(root: DynamicModule | Type): Route[] {
  const seen = new Set<unknown>();
  const controllers = new Set<Type>();
  const visit = (ref: ModuleRef | undefined): void => {
    if (ref === undefined || ref instanceof Promise || seen.has(ref)) return;
    seen.add(ref);
    const moduleClass = isDynamic(ref) ? ref.module : ref;
    const imports = [
      ...((Reflect.getMetadata('imports', moduleClass) as ModuleRef[] | undefined) ?? []),
      ...(isDynamic(ref) ? ((ref.imports ?? []) as ModuleRef[]) : []),
    ];
    const declared = [
      ...((Reflect.getMetadata('controllers', moduleClass) as Type[] | undefined) ?? []),
      ...(isDynamic(ref) ? (ref.controllers ?? []) : []),
    ];
    for (const controller of declared) controllers.add(controller);
    for (const imported of imports) visit(imported);
  };
  visit(root);

  const routes: Route[] = [];
  for (const controller of controllers) {
    const base = pathsOf(Reflect.getMetadata('path', controller));
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      for (const prefix of base) {
        for (const path of pathsOf(Reflect.getMetadata('path', handler))) {
          routes.push({
            method: RequestMethod[method],
            path: joinPath(prefix, path),
            controller: controller.name,
          });
        }
      }
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}
