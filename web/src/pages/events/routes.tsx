import type { RouteObject } from "react-router-dom";
import { EventsPage } from "./EventsPage";

export const eventRoutes: RouteObject[] = [{ path: "events", element: <EventsPage /> }];
