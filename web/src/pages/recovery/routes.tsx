import type { RouteObject } from "react-router-dom";
import { RecoveryPage } from "./RecoveryPage";

export const recoveryRoutes: RouteObject[] = [{ path: "webhooks/:id/recover", element: <RecoveryPage /> }];
