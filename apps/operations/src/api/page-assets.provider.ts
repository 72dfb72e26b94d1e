export const PAGE_ASSETS = Symbol('PAGE_ASSETS');
